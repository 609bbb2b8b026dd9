// /api/v1/quotas: limits per user or group on a host or on every host (docs/quotas.md). Admins
// only: a quota is the lab's rule, not a member's choice.
import { createRoute, z } from '@hono/zod-openapi';
import { findHost } from '../../db/hosts.ts';
import {
  deleteQuota,
  findQuota,
  insertQuota,
  listQuotas,
  quotaSubjectId,
  updateQuota,
  type NamedQuota,
} from '../../db/quotas.ts';
import { requireAdmin, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { nameSchema, PG_INTEGER_MAX } from '../schemas.ts';

const limit = (what: string, max: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(max)
    .nullable()
    .openapi({ description: `${what}; null: no limit` });

// Counts are `integer` columns; bytes a `bigint` one.
const limitFields = {
  maxRunning: limit("Runs of the subject's series running at once on the host", PG_INTEGER_MAX),
  maxQueued: limit('Runs of the subject waiting in the queue on the host', PG_INTEGER_MAX),
  maxTuples: limit('Tuples of one series; a larger series is refused at submit', PG_INTEGER_MAX),
  maxStorageBytes: limit("Bytes of the subject's stored outputs", Number.MAX_SAFE_INTEGER),
};

const QuotaSchema = z
  .object({
    id: z.string(),
    scope: z.enum(['user', 'group']),
    subject: z.string().openapi({ description: 'The user or group name' }),
    host: z.string().nullable().openapi({ description: 'null: every host' }),
    ...limitFields,
  })
  .openapi('Quota');

const NewQuotaSchema = z
  .object({
    scope: z.enum(['user', 'group']),
    subject: nameSchema,
    host: nameSchema.nullable().optional(),
    maxRunning: limitFields.maxRunning.optional(),
    maxQueued: limitFields.maxQueued.optional(),
    maxTuples: limitFields.maxTuples.optional(),
    maxStorageBytes: limitFields.maxStorageBytes.optional(),
  })
  .strict()
  .openapi('NewQuota');

const QuotaPatchSchema = z
  .object({
    maxRunning: limitFields.maxRunning.optional(),
    maxQueued: limitFields.maxQueued.optional(),
    maxTuples: limitFields.maxTuples.optional(),
    maxStorageBytes: limitFields.maxStorageBytes.optional(),
  })
  .strict()
  .openapi('QuotaPatch');

const IdParam = z.object({ id: z.string().regex(/^[a-z0-9]{1,32}$/, 'a quota id') });

function quotaJson(row: NamedQuota): z.infer<typeof QuotaSchema> {
  const { subjectId: _subjectId, ...rest } = row;
  return rest;
}

export function quotaRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  async function getQuota(id: string): Promise<NamedQuota> {
    const row = await findQuota(db, id);
    if (!row) throw notFound(`quota '${id}'`);
    return row;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['quotas'],
      summary: 'Every quota (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      responses: {
        200: jsonResponse(z.object({ quotas: z.array(QuotaSchema) }), 'The quotas'),
        ...pick(401, 403),
      },
    }),
    async (c) => c.json({ quotas: (await listQuotas(db)).map(quotaJson) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['quotas'],
      summary: 'Set a quota on a user or group, on one host or every host (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { body: jsonBody(NewQuotaSchema) },
      responses: { 201: jsonResponse(QuotaSchema, 'The new quota'), ...pick(400, 401, 403, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const subjectId = await quotaSubjectId(db, body.scope, body.subject);
      if (!subjectId)
        throw new ApiError(422, 'unknown_subject', `subject: no ${body.scope} is named '${body.subject}'`, {
          field: 'subject',
        });
      const host = body.host ?? null;
      if (host !== null && !(await findHost(db, host)))
        throw new ApiError(422, 'unknown_host', `host: host '${host}' does not exist`, { field: 'host' });
      const id = await insertQuota(db, {
        scope: body.scope,
        subjectId,
        host,
        maxRunning: body.maxRunning ?? null,
        maxQueued: body.maxQueued ?? null,
        maxTuples: body.maxTuples ?? null,
        maxStorageBytes: body.maxStorageBytes ?? null,
      });
      return c.json(quotaJson(await getQuota(id)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['quotas'],
      summary: "Change a quota's limits (admin); series already running keep what they started with",
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: IdParam, body: jsonBody(QuotaPatchSchema) },
      responses: { 200: jsonResponse(QuotaSchema, 'The changed quota'), ...pick(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await getQuota(id);
      const patch = c.req.valid('json');
      if (Object.keys(patch).length > 0) await updateQuota(db, id, patch);
      return c.json(quotaJson(await getQuota(id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['quotas'],
      summary: 'Remove a quota (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...pick(401, 403, 404) },
    }),
    async (c) => {
      if (!(await deleteQuota(db, c.req.valid('param').id)))
        throw notFound(`quota '${c.req.valid('param').id}'`);
      return c.body(null, 204);
    },
  );

  return app;
}
