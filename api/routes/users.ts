// /api/v1/users: accounts, managed by admins. `GET /users/me` answers anyone signed in.
// A new password, a new role, removal and `POST /users/{name}/sign-out` end every session and
// API token of the account: whoever held one signs in again, under the new rules.
import { createRoute, z } from '@hono/zod-openapi';
import { MIN_PASSWORD_LENGTH } from '../../config.ts';
import {
  changeAccount,
  createUser,
  deleteUser,
  DuplicateNameError,
  endSignIns,
  findAccount,
  listAccounts,
  type Account,
} from '../../db/accounts.ts';
import { anySeriesOwnedBy } from '../../db/series.ts';
import { currentUser, requireAdmin, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { conflict, notFound } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { nameSchema, NameParam } from '../schemas.ts';
import { UserSchema } from './session.ts';

const UserRowSchema = UserSchema.extend({ createdAt: z.string(), hasPassword: z.boolean() }).openapi(
  'UserAccount',
);
const RoleSchema = z.enum(['admin', 'member']);
const PasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password: at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);

function userJson(row: Account): z.infer<typeof UserRowSchema> {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    hasPassword: row.hasPassword,
  };
}

export function userRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  async function getUser(name: string): Promise<Account> {
    const row = await findAccount(db, name);
    if (!row) throw notFound(`user '${name}'`);
    return row;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['users'],
      summary: 'The signed-in user',
      security: signedIn,
      responses: { 200: jsonResponse(UserSchema, 'Me'), ...pick(401) },
    }),
    (c) => c.json(currentUser(c), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['users'],
      summary: 'All accounts (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      responses: {
        200: jsonResponse(z.object({ users: z.array(UserRowSchema) }), 'The accounts'),
        ...pick(401, 403),
      },
    }),
    async (c) => {
      const rows = await listAccounts(db);
      return c.json({ users: rows.map(userJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['users'],
      summary: 'Create an account (admin); without a password it signs in by API token only',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: {
        body: jsonBody(
          z
            .object({
              name: nameSchema,
              password: PasswordSchema.optional(),
              role: RoleSchema.default('member'),
            })
            .openapi('NewUser'),
        ),
      },
      responses: { 201: jsonResponse(UserRowSchema, 'The new account'), ...pick(400, 401, 403, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createUser(db, body).catch((error: unknown) => {
        throw error instanceof DuplicateNameError ? conflict(`user '${body.name}' already exists`) : error;
      });
      deps.logger.info({ user: body.name, role: body.role, by: currentUser(c).name }, 'user created');
      return c.json(userJson(await getUser(created.name)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{name}',
      tags: ['users'],
      summary:
        'Change the role or password of an account (admin); either change ends its sessions and API tokens',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: {
        params: NameParam,
        body: jsonBody(
          z.object({ role: RoleSchema.optional(), password: PasswordSchema.nullable().optional() }).strict(),
        ),
      },
      responses: { 200: jsonResponse(UserRowSchema, 'The changed account'), ...pick(400, 401, 403, 404) },
    }),
    async (c) => {
      const user = await getUser(c.req.valid('param').name);
      const { role, password } = c.req.valid('json');
      const { signInsEnded } = await changeAccount(db, user.id, {
        ...(role ? { role } : {}),
        ...(password !== undefined ? { password } : {}),
      });
      if (signInsEnded) {
        deps.logger.info(
          {
            user: user.name,
            by: currentUser(c).name,
            role: role ?? user.role,
            password: password !== undefined,
          },
          'account changed; its sessions and tokens ended',
        );
      }
      return c.json(userJson(await getUser(user.name)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{name}/sign-out',
      tags: ['users'],
      summary: 'Sign an account out everywhere (admin): ends all its sessions and deletes all its API tokens',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: NameParam },
      responses: {
        200: jsonResponse(
          z.object({ sessions: z.number().int(), tokens: z.number().int() }).openapi('SignedOut'),
          'How many sessions and tokens ended',
        ),
        ...pick(401, 403, 404),
      },
    }),
    async (c) => {
      const user = await getUser(c.req.valid('param').name);
      const ended = await endSignIns(db, user.id);
      deps.logger.info({ user: user.name, by: currentUser(c).name, ...ended }, 'signed out everywhere');
      return c.json(ended, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}',
      tags: ['users'],
      summary: 'Delete an account that owns no series (admin); its tokens and sessions go with it',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: NameParam },
      responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404, 409) },
    }),
    async (c) => {
      const user = await getUser(c.req.valid('param').name);
      if (user.id === currentUser(c).id) throw conflict('you cannot delete your own account');
      const owned = await anySeriesOwnedBy(db, user.id);
      if (owned) throw conflict(`user '${user.name}' owns series (e.g. ${owned}); delete those first`);
      await deleteUser(db, user.id);
      return c.body(null, 204);
    },
  );

  return app;
}
