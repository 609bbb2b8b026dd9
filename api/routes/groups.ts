// /api/v1/groups: groups (projects), their members and what they may use (docs/groups.md).
// Admins create, change and delete groups and grant applications and hosts; a group's admins
// add and remove its members. A group the caller is not in is, for members, a 404.
import { createRoute, z } from '@hono/zod-openapi';
import { findAccount } from '../../db/accounts.ts';
import { findApplication } from '../../db/applications.ts';
import {
  deleteGroup,
  findGroup,
  groupGrants,
  insertGroup,
  listGroups,
  listGroupsOf,
  listMembers,
  memberRole,
  removeMember,
  setGrant,
  setMember,
  updateGroup,
  type GroupRole,
  type GroupRow,
  type GroupWithRole,
} from '../../db/groups.ts';
import { findHost } from '../../db/hosts.ts';
import { currentUser, isAdmin, requireAdmin, requireUser } from '../auth.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { nameSchema, NameParam } from '../schemas.ts';

const RoleSchema = z.enum(['member', 'admin']);

const GroupSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    share: z.number().int().openapi({ description: "Fair-share weight of the group's users" }),
    ownCode: z.boolean(),
    highPriority: z.boolean().openapi({ description: 'Members may ask for high priority' }),
    createdAt: z.string(),
    role: RoleSchema.nullable().openapi({ description: 'Your role in the group (null: not a member)' }),
    memberCount: z.number().int(),
  })
  .openapi('Group');

const GroupDetailSchema = GroupSchema.extend({
  members: z.array(z.object({ name: z.string(), role: RoleSchema })),
  applications: z.array(z.string()).openapi({ description: 'Applications granted to the group' }),
  hosts: z.array(z.string()).openapi({ description: 'Hosts granted to the group' }),
}).openapi('GroupDetail');

const settings = {
  description: z.string().max(10_000),
  share: z.number().int().min(1).max(1000),
  ownCode: z.boolean(),
  highPriority: z.boolean(),
};

const NewGroupSchema = z
  .object({
    name: nameSchema.openapi({ example: 'optics' }),
    description: settings.description.optional(),
    share: settings.share.optional(),
    ownCode: settings.ownCode.optional(),
    highPriority: settings.highPriority.optional(),
  })
  .strict()
  .openapi('NewGroup');

const GroupPatchSchema = z
  .object({
    description: settings.description.optional(),
    share: settings.share.optional(),
    ownCode: settings.ownCode.optional(),
    highPriority: settings.highPriority.optional(),
  })
  .strict()
  .openapi('GroupPatch');

const pathName = (name: string, example: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' }, example });
const MemberParams = NameParam.extend({ user: pathName('user', 'alice') });
const ApplicationParams = NameParam.extend({ application: pathName('application', 'spiral') });
const HostParams = NameParam.extend({ host: pathName('host', 'local') });

function groupJson(row: GroupRow, role: GroupRole | null, memberCount: number): z.infer<typeof GroupSchema> {
  return {
    name: row.name,
    description: row.description,
    share: row.share,
    ownCode: row.ownCode,
    highPriority: row.highPriority,
    createdAt: row.createdAt.toISOString(),
    role,
    memberCount,
  };
}

const listedJson = (row: GroupWithRole) => groupJson(row, row.role, row.members);

export function groupRoutes(deps: ApiDeps) {
  const { db, logger } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  /** The group as `user` may see it (admins: any; members: their own) and their role in it. */
  async function visibleGroup(name: string, user: AuthUser) {
    const group = await findGroup(db, name);
    const role = group ? ((await memberRole(db, group.id, user.id)) ?? null) : null;
    if (!group || (!isAdmin(user) && role === null)) throw notFound(`group '${name}'`);
    return { group, role };
  }

  async function detailJson(
    group: GroupRow,
    role: GroupRole | null,
  ): Promise<z.infer<typeof GroupDetailSchema>> {
    const [members, grants] = await Promise.all([listMembers(db, group.id), groupGrants(db, group.id)]);
    return {
      ...groupJson(group, role, members.length),
      members: members.map(({ name, role }) => ({ name, role })),
      ...grants,
    };
  }

  /** Admins, and admins of the group, manage its members. */
  async function groupForMemberChange(name: string, user: AuthUser) {
    const found = await visibleGroup(name, user);
    if (!isAdmin(user) && found.role !== 'admin') {
      throw forbidden(`only an admin or an admin of group '${name}' may change its members`);
    }
    return found.group;
  }

  async function existingGroup(name: string): Promise<GroupRow> {
    const group = await findGroup(db, name);
    if (!group) throw notFound(`group '${name}'`);
    return group;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['groups'],
      summary: 'Groups: every group for admins, your own for members',
      security: signedIn,
      responses: {
        200: jsonResponse(z.object({ groups: z.array(GroupSchema) }), 'The groups'),
        ...pick(401),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const rows = isAdmin(user) ? await listGroups(db, user.id) : await listGroupsOf(db, user.id);
      return c.json({ groups: rows.map(listedJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['groups'],
      summary: 'Create a group (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { body: jsonBody(NewGroupSchema) },
      responses: { 201: jsonResponse(GroupDetailSchema, 'The new group'), ...pick(400, 401, 403, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await insertGroup(db, body);
      if (!created) throw conflict(`group '${body.name}' already exists`);
      logger.info({ group: created.name, by: currentUser(c).name }, 'group created');
      return c.json(await detailJson(created, null), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{name}',
      tags: ['groups'],
      summary: 'One group with its members and grants (its members and admins)',
      security: signedIn,
      request: { params: NameParam },
      responses: { 200: jsonResponse(GroupDetailSchema, 'The group'), ...pick(401, 404) },
    }),
    async (c) => {
      const { group, role } = await visibleGroup(c.req.valid('param').name, currentUser(c));
      return c.json(await detailJson(group, role), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{name}',
      tags: ['groups'],
      summary: "Change a group's description, share or permissions (admin)",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: NameParam, body: jsonBody(GroupPatchSchema) },
      responses: { 200: jsonResponse(GroupDetailSchema, 'The group'), ...pick(400, 401, 403, 404) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const changed = await updateGroup(db, name, c.req.valid('json'));
      if (!changed) throw notFound(`group '${name}'`);
      return c.json(
        await detailJson(changed, (await memberRole(db, changed.id, currentUser(c).id)) ?? null),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}',
      tags: ['groups'],
      summary: 'Delete a group, its memberships and grants; its series stay, in no group (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: NameParam },
      responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      if (!(await deleteGroup(db, name))) throw notFound(`group '${name}'`);
      logger.info({ group: name, by: currentUser(c).name }, 'group deleted');
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/{name}/members/{user}',
      tags: ['groups'],
      summary: "Add a user to the group or change their role in it (admins and the group's admins)",
      security: signedIn,
      request: {
        params: MemberParams,
        body: jsonBody(z.object({ role: RoleSchema.default('member') }).openapi('Membership')),
      },
      responses: { 200: jsonResponse(GroupDetailSchema, 'The group'), ...pick(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const { name, user: userName } = c.req.valid('param');
      const caller = currentUser(c);
      const group = await groupForMemberChange(name, caller);
      const account = await findAccount(db, userName);
      if (!account) throw notFound(`user '${userName}'`);
      const { role } = c.req.valid('json');
      await setMember(db, group.id, account.id, role);
      logger.info({ group: name, user: userName, role, by: caller.name }, 'group member set');
      return c.json(await detailJson(group, (await memberRole(db, group.id, caller.id)) ?? null), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}/members/{user}',
      tags: ['groups'],
      summary: "Remove a user from the group (admins and the group's admins)",
      security: signedIn,
      request: { params: MemberParams },
      responses: { 204: { description: 'Removed' }, ...pick(401, 403, 404) },
    }),
    async (c) => {
      const { name, user: userName } = c.req.valid('param');
      const caller = currentUser(c);
      const group = await groupForMemberChange(name, caller);
      const account = await findAccount(db, userName);
      if (!account || !(await removeMember(db, group.id, account.id))) {
        throw notFound(`member '${userName}' of group '${name}'`);
      }
      logger.info({ group: name, user: userName, by: caller.name }, 'group member removed');
      return c.body(null, 204);
    },
  );

  for (const kind of ['application', 'host'] as const) {
    const params = kind === 'application' ? ApplicationParams : HostParams;
    const exists = (name: string) =>
      kind === 'application' ? findApplication(db, name) : findHost(db, name);
    for (const granted of [true, false]) {
      app.openapi(
        createRoute({
          method: granted ? 'put' : 'delete',
          path: `/{name}/${kind}s/{${kind}}`,
          tags: ['groups'],
          summary: granted
            ? `Let the group's members use a${kind === 'application' ? 'n' : ''} ${kind} (admin)`
            : `Withdraw a${kind === 'application' ? 'n' : ''} ${kind} from the group (admin)`,
          security: signedIn,
          middleware: [requireAdmin] as const,
          request: { params },
          responses: { 204: { description: granted ? 'Granted' : 'Withdrawn' }, ...pick(401, 403, 404) },
        }),
        async (c) => {
          const { name, ...rest } = c.req.valid('param') as { name: string } & Record<typeof kind, string>;
          const target = rest[kind];
          const group = await existingGroup(name);
          if (granted && !(await exists(target))) throw notFound(`${kind} '${target}'`);
          await setGrant(
            db,
            group.id,
            kind === 'application' ? { application: target } : { host: target },
            granted,
          );
          logger.info(
            { group: name, [kind]: target, granted, by: currentUser(c).name },
            'group grant changed',
          );
          return c.body(null, 204);
        },
      );
    }
  }

  return app;
}
