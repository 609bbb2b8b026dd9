// /api/v1/tokens: the signed-in user's own API tokens. A token is shown once, when created;
// the database keeps only its hash and a short prefix to recognise it.
import { createRoute, z } from '@hono/zod-openapi';
import { createApiToken, listApiTokens, revokeApiToken } from '../../db/accounts.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { notFound } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';

const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .openapi('ApiToken');

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function tokenRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['tokens'],
      summary: 'My API tokens (never the tokens themselves)',
      security: signedIn,
      responses: {
        200: jsonResponse(z.object({ tokens: z.array(TokenSchema) }), 'The tokens'),
        ...pick(401),
      },
    }),
    async (c) => {
      const tokens = await listApiTokens(db, currentUser(c).id);
      return c.json(
        {
          tokens: tokens.map((t) => ({
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            createdAt: t.createdAt.toISOString(),
            lastUsedAt: iso(t.lastUsedAt),
            expiresAt: iso(t.expiresAt),
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['tokens'],
      summary: 'Create an API token; the answer is the only time it is shown',
      security: signedIn,
      request: {
        body: jsonBody(
          z.object({
            name: z.string().min(1).max(100).openapi({ example: 'laptop' }),
            expiresInDays: z.number().int().min(1).max(3650).optional(),
          }),
        ),
      },
      responses: {
        201: jsonResponse(TokenSchema.extend({ token: z.string() }), 'The token, shown this once'),
        ...pick(400, 401),
      },
    }),
    async (c) => {
      const { name, expiresInDays } = c.req.valid('json');
      const ttlMs = expiresInDays ? expiresInDays * 86_400_000 : undefined;
      const created = await createApiToken(db, currentUser(c).id, name, ttlMs);
      return c.json(
        {
          id: created.id,
          name,
          prefix: created.prefix,
          token: created.token,
          createdAt: new Date().toISOString(),
          lastUsedAt: null,
          expiresAt: ttlMs ? new Date(Date.now() + ttlMs).toISOString() : null,
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['tokens'],
      summary: 'Revoke one of my API tokens',
      security: signedIn,
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(64)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { 204: { description: 'Revoked' }, ...pick(401, 404) },
    }),
    async (c) => {
      const revoked = await revokeApiToken(db, c.req.valid('param').id, currentUser(c).id);
      if (!revoked) throw notFound(`token '${c.req.valid('param').id}'`);
      return c.body(null, 204);
    },
  );

  return app;
}
