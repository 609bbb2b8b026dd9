// /api/v1/tokens: the signed-in user's own API tokens. A token is shown once, when created;
// the database keeps only its hash and a short prefix to recognise it. A token that expires
// cannot create one that outlives it (else a leaked short-lived token would be forever);
// a browser session, which took the password, may create tokens of any lifetime.
import { createRoute, z } from '@hono/zod-openapi';
import { ADMIN_TOKEN_NAME, createApiToken, listApiTokens, revokeApiToken } from '../../db/accounts.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { IdParam } from '../schemas.ts';

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
const DAY_MS = 86_400_000;

/** Refuses a new token's lifetime when the token making the request expires before it. */
function checkWithinCaller(callerExpiresAt: Date | null | undefined, expiresInDays: number | undefined) {
  if (!callerExpiresAt) return;
  const latest = callerExpiresAt.toISOString();
  if (expiresInDays === undefined) {
    throw badRequest(
      `expiresInDays: required when signed in with a token that expires (at ${latest}): a token cannot create one that outlives it`,
    );
  }
  if (Date.now() + expiresInDays * DAY_MS > callerExpiresAt.getTime()) {
    const allowed = Math.floor((callerExpiresAt.getTime() - Date.now()) / DAY_MS);
    throw badRequest(
      `expiresInDays: ${expiresInDays} days would outlive the token making this request (it expires at ${latest}); at most ${allowed}`,
    );
  }
}

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
            name: z
              .string()
              .min(1)
              .max(100)
              .refine((n) => n !== ADMIN_TOKEN_NAME, `reserved for the token of ${ADMIN_TOKEN_NAME}`)
              .openapi({ example: 'laptop' }),
            expiresInDays: z.number().int().min(1).max(3650).optional().openapi({
              description:
                'Absent: never expires. Signed in with a token that expires, required and no later than it.',
            }),
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
      checkWithinCaller(c.get('token')?.expiresAt, expiresInDays);
      const ttlMs = expiresInDays ? expiresInDays * DAY_MS : undefined;
      const created = await createApiToken(db, currentUser(c).id, name, ttlMs);
      return c.json(
        {
          id: created.id,
          name,
          prefix: created.prefix,
          token: created.token,
          createdAt: new Date().toISOString(),
          lastUsedAt: null,
          expiresAt: iso(created.expiresAt),
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
      request: { params: IdParam },
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
