// One group: its settings, its members (admins and the group's admins manage them) and what it
// may use (admins grant and withdraw applications and hosts).
import type { GroupGrants, GroupMember, GroupRole, GroupRow } from '../../../db/groups.ts';
import type { AuthUser } from '../../context.ts';
import { Layout } from '../../layout.tsx';
import { GrantsSection } from './grants.tsx';
import { MembersSection } from './members.tsx';

export interface GroupPageProps {
  user: AuthUser;
  csrf: string;
  group: GroupRow;
  /** The viewer's role in the group (null: an admin outside it). */
  role: GroupRole | null;
  members: GroupMember[];
  grants: GroupGrants;
  /** Every registered application and host, for an admin to grant from. */
  registered: GroupGrants | undefined;
}

export function GroupPage(props: GroupPageProps) {
  const { group: g } = props;
  const manageMembers = props.user.role === 'admin' || props.role === 'admin';
  return (
    <Layout
      title={`Group ${g.name}`}
      user={props.user}
      csrf={props.csrf}
      active="groups"
      scripts={manageMembers ? ['groups.js'] : []}
    >
      <p class="small">
        <a href="/groups">← Groups</a>
      </p>
      <h1 class="wrap" data-group={g.name}>
        Group {g.name}
      </h1>
      {g.description ? <p>{g.description}</p> : null}
      <dl class="facts">
        <dt>Your role</dt>
        <dd>{props.role ?? 'admin of Tuplet, not a member'}</dd>
        <dt>Share</dt>
        <dd>{g.share}</dd>
        <dt>Own code</dt>
        <dd>{g.ownCode ? 'yes' : 'no'}</dd>
        <dt>High priority</dt>
        <dd>{g.highPriority ? 'members may ask for it' : 'no'}</dd>
      </dl>
      <MembersSection group={g.name} members={props.members} manage={manageMembers} self={props.user.name} />
      <GrantsSection group={g.name} grants={props.grants} registered={props.registered} />
    </Layout>
  );
}
