// Groups: admins see every group and create, change and delete them; members see their own.
import type { GroupWithRole } from '../../../db/groups.ts';
import type { AuthUser } from '../../context.ts';
import { Layout } from '../../layout.tsx';
import { GroupSettingsForm } from './settings-form.tsx';
import { ListTable } from '../../components.tsx';

export function GroupsPage(props: { user: AuthUser; csrf: string; groups: GroupWithRole[] }) {
  const admin = props.user.role === 'admin';
  return (
    <Layout title="Groups" user={props.user} csrf={props.csrf} active="groups">
      <h1>Groups</h1>
      <p class="muted">
        A group is a project: its members launch series with the applications and hosts granted to it, and may
        keep a series visible to the group only. Group admins add and remove members; admins create groups and
        grant.
      </p>
      {props.groups.length === 0 ? <NoGroups admin={admin} /> : <GroupTable {...props} admin={admin} />}
      {admin ? (
        <section class="card" style="margin-top:1rem">
          <h2 style="margin-top:0">Create a group</h2>
          <GroupSettingsForm />
        </section>
      ) : null}
    </Layout>
  );
}

function NoGroups(props: { admin: boolean }) {
  return props.admin ? (
    <div class="card empty" data-empty="groups">
      <h2>No group yet</h2>
      <p>
        While no group exists, every member sees and uses every application and host. The first group changes
        that for everyone: from then on a member uses only what their groups are granted, and a member in no
        group can launch nothing.
      </p>
      <p class="muted small">
        So create the groups, grant each its applications and hosts and add the members before telling them.
      </p>
    </div>
  ) : (
    <div class="card empty" data-empty="groups">
      <h2>You are in no group</h2>
      <p>An admin or a group's admin adds you to one; you then see its members and what it may use here.</p>
    </div>
  );
}

function GroupTable(props: { groups: GroupWithRole[]; admin: boolean }) {
  return (
    <ListTable
      columns={['Name', 'Description', 'Members', 'Your role', 'Share', props.admin ? 'Change' : null]}
    >
      {props.groups.map((g) => (
        <tr data-group={g.name}>
          <td>
            <a href={`/groups/${encodeURIComponent(g.name)}`}>{g.name}</a>
          </td>
          <td class="wrap">{g.description}</td>
          <td>{g.members}</td>
          <td>{g.role ?? <span class="muted">–</span>}</td>
          <td>
            {g.share}
            {g.ownCode ? <span class="tag">own code</span> : null}
            {g.highPriority ? <span class="tag">high priority</span> : null}
          </td>
          {props.admin ? (
            <td>
              <details>
                <summary>Edit</summary>
                <GroupSettingsForm group={g} />
                <button
                  type="button"
                  class="danger"
                  data-action={`DELETE /api/v1/groups/${encodeURIComponent(g.name)}`}
                  data-confirm={`Delete the group ${g.name}? Its series stay, in no group.`}
                  data-done="Deleted"
                >
                  Delete
                </button>
              </details>
            </td>
          ) : null}
        </tr>
      ))}
    </ListTable>
  );
}
