// GET /groups (admins: every group, with create, edit and delete; members: their own) and
// GET /groups/:name (members and grants). Changes go through the JSON API (api/routes/groups.ts),
// which decides who may do what; these pages only offer what the viewer may do.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isAdmin } from '../../api/auth.ts';
import { listApplicationNames } from '../../db/applications.ts';
import type { Database } from '../../db/client.ts';
import {
  findGroup,
  groupGrants,
  listGroups,
  listGroupsOf,
  listMembers,
  memberRole,
} from '../../db/groups.ts';
import { listHostNames } from '../../db/hosts.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { GroupPage } from '../pages/groups/group.tsx';
import { GroupsPage } from '../pages/groups/list.tsx';

async function registeredNames(db: Database) {
  const [applications, hosts] = await Promise.all([listApplicationNames(db), listHostNames(db)]);
  return { applications, hosts };
}

export function groupsPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const rows = isAdmin(user) ? await listGroups(db, user.id) : await listGroupsOf(db, user.id);
    return c.html(<GroupsPage user={user} csrf={csrf} groups={rows} />);
  };
}

export function groupPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const name = c.req.param('name') ?? '';
    const group = await findGroup(db, name);
    const role = group ? ((await memberRole(db, group.id, user.id)) ?? null) : null;
    // As in the API: a group one is not in does not exist, for members.
    if (!group || (!isAdmin(user) && role === null)) {
      throw new HTTPException(404, { message: `There is no group '${name}' you may see.` });
    }
    const [members, grants, registered] = await Promise.all([
      listMembers(db, group.id),
      groupGrants(db, group.id),
      // Admins grant: they choose among every application and host.
      isAdmin(user) ? registeredNames(db) : undefined,
    ]);
    return c.html(
      <GroupPage
        user={user}
        csrf={csrf}
        group={group}
        role={role}
        members={members}
        grants={grants}
        registered={registered}
      />,
    );
  };
}
