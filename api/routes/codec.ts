// The remote codec endpoint of the Temporal UI (`POST /codec/decode`, `POST /codec/encode`,
// JSON `{payloads: [{metadata: {key: base64}, data: base64}]}`): with TUPLET_PAYLOAD_KEY
// every payload in Temporal is ciphertext, and the UI shows it readable only by asking here.
// Admins only; the browser reaches it from the Temporal UI's origin (CORS allows that one
// origin, with credentials, so the UI's "include cross-origin credentials" sends our cookie).
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { findSession, findUserByToken } from '../../db/accounts.ts';
import { EncryptionCodec, PayloadRefusedError } from '../../temporal/payload-codec.ts';
import type { ApiDeps, AppEnv } from '../context.ts';
import { SignInCookies } from '../sign-in-cookies.ts';
import { ApiError, forbidden, unauthorized } from '../errors.ts';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const JsonPayloads = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), base64).nullish(),
        data: base64.nullish(),
      }),
    )
    .max(10_000),
});
type JsonPayload = z.infer<typeof JsonPayloads>['payloads'][number];

export function codecRoutes(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const codec = deps.config.payloadKey ? new EncryptionCodec([deps.config.payloadKey]) : undefined;
  const uiOrigin = deps.config.temporal.uiUrl ? new URL(deps.config.temporal.uiUrl).origin : undefined;

  app.use(
    '*',
    cors({
      origin: (origin) => (uiOrigin !== undefined && origin === uiOrigin ? origin : null),
      credentials: true,
      allowMethods: ['POST'],
      allowHeaders: ['content-type', 'x-namespace', 'authorization'],
      maxAge: 600,
    }),
  );
  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    const ownOrigins = [new URL(c.req.url).origin, deps.config.publicUrl?.origin];
    if (origin !== undefined && origin !== uiOrigin && !ownOrigins.includes(origin))
      throw forbidden(
        `origin ${origin} may not use the codec (only the Temporal UI, ${uiOrigin ?? 'not configured'})`,
      );
    await requireAdminCaller(c, deps);
    if (!codec) throw new ApiError(404, 'not_found', 'no payload codec here: TUPLET_PAYLOAD_KEY is not set');
    return next();
  });

  const handle = (direction: 'encode' | 'decode') => async (c: Context<AppEnv>) => {
    const body = JsonPayloads.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) {
      throw new ApiError(
        400,
        'invalid_request',
        'expected JSON {payloads: [{metadata: {…: base64}, data: base64}]}',
      );
    }
    const payloads = body.data.payloads.map(fromJson);
    try {
      const result = await (codec as PayloadCodec)[direction](payloads);
      return c.json({ payloads: result.map(toJson) });
    } catch (error) {
      if (error instanceof PayloadRefusedError) throw new ApiError(400, 'payload_refused', error.message);
      throw error;
    }
  };
  app.post('/decode', handle('decode'));
  app.post('/encode', handle('encode'));
  return app;
}

/**
 * An admin by API token or browser session. Unlike the API, a session needs no CSRF token
 * here: the Temporal UI cannot send one, and neither route changes anything — a forged
 * request from another site gets an answer its page cannot read (CORS allows only the UI).
 */
async function requireAdminCaller(c: Context<AppEnv>, deps: ApiDeps): Promise<void> {
  const header = c.req.header('authorization');
  const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (header && !bearer) throw unauthorized('the Authorization header must be `Bearer <token>`');
  const cookie = new SignInCookies(deps.config.publicUrl).readSession(c);
  const user = bearer
    ? await findUserByToken(deps.db, bearer)
    : cookie
      ? (await findSession(deps.db, cookie))?.user
      : undefined;
  if (!user) throw unauthorized('sign in to Tuplet as an admin to decode payloads');
  if (user.role !== 'admin') throw forbidden('only an admin may decode Temporal payloads');
  c.set('user', { id: user.id, name: user.name, role: 'admin' });
}

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
    data: Buffer.from(data ?? []).toString('base64'),
  };
}
