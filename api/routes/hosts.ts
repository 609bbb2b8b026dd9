// /api/v1/hosts: where series run. Everyone signed in may list them; only admins register,
// change or remove one (a host names key files on a worker's machine).
import { createRoute, z } from '@hono/zod-openapi';
import { hostSpecOf } from '../../activities/control/series.ts';
import { deleteHost, findHost, insertHost, listHosts, updateHost, type HostRow } from '../../db/hosts.ts';
import { anyUnfinishedSeriesOn } from '../../db/series.ts';
import { currentUser, requireAdmin, requireUser } from '../auth.ts';
import { hostForViewer } from '../hosts-view.ts';
import { catalogueOf, mayUseHost, visibleHosts } from '../access.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError, badRequest, conflict, notFound } from '../errors.ts';
import { createRouter, ErrorSchema, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { hasControlCharacters } from '../../core/text.ts';
import { nameSchema, NameParam, poolNameSchema } from '../schemas.ts';
import { RUN_USER } from '../../hosts/run-as-user.ts';
import { runEnvSchema } from '../run-environment.ts';

const noControl = (s: string) => !hasControlCharacters(s);
const absolutePath = z
  .string()
  .max(1024)
  .refine(
    (s) => s.startsWith('/') && noControl(s) && !s.split('/').includes('..'),
    'an absolute path without `..`',
  );
/** Key files may also be given relative to the worker's home directory. */
const workerPath = z
  .string()
  .max(1024)
  .refine(
    (s) => (s.startsWith('/') || s.startsWith('~/')) && noControl(s) && !s.split('/').includes('..'),
    'an absolute path (or one starting with `~/`) on the machine of the worker that serves the host',
  );

/**
 * SLURM accounts or QOS an admin allows on a host, each for everyone or for the named users
 * only; series may choose nothing else (api/series/resources.ts). Names as the job script
 * writes them (hosts/slurm/sbatch-script.ts).
 */
const allowedChoices = (what: string) =>
  z
    .array(
      z
        .object({
          name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, `${what}: letters, digits and . _ - only`),
          users: z.array(nameSchema).max(1000).optional().openapi({ description: 'Absent: every user' }),
        })
        .strict(),
    )
    .max(200)
    .refine(
      (list) => new Set(list.map((c) => c.name)).size === list.length,
      `${what}: a name is listed twice`,
    )
    .openapi({ example: [{ name: 'lab' }, { name: 'big-grant', users: ['alice'] }] });

const hostFields = {
  kind: z.enum(['local', 'ssh', 'slurm']),
  address: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]{1,253}$/, 'a host name or IP address')
    .openapi({ example: 'cluster.example.org' }),
  port: z.number().int().min(1).max(65535),
  user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, 'a login name'),
  identityFile: workerPath,
  knownHostsFile: workerPath,
  workdir: absolutePath.openapi({ example: '/scratch/tuplet' }),
  slots: z.number().int().min(1).max(4096),
  gpus: z.number().int().min(0).max(64),
  partition: z.string().regex(/^[A-Za-z0-9_.,-]{1,64}$/, 'a partition name'),
  arrayThrottle: z.number().int().min(1).max(100_000),
  env: runEnvSchema,
  runUser: z
    .string()
    .regex(RUN_USER, 'a login name of this machine')
    .openapi({ description: 'local hosts: the OS account programs run as (docs/security.md)' }),
  accounts: allowedChoices('accounts'),
  qos: allowedChoices('qos'),
  description: z.string().max(2000),
  drained: z.boolean().openapi({
    description:
      'A drained host takes no new series nor chunks; what runs there finishes (docs/multi-host.md)',
  }),
  pool: poolNameSchema.openapi({
    description: 'The pool the host belongs to: a series may name the pool (`pool`)',
  }),
  admission: z
    .object({
      maxLoadPerCore: z.number().min(0).max(1000).optional(),
      minFreeMemoryBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      minFreeGpuMemoryBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    })
    .strict()
    .openapi('AdmissionThresholds', {
      description:
        "local/ssh hosts: runs start only while the 1-minute load per core is below maxLoadPerCore and the free memory (and each GPU's, from nvidia-smi) at least the minimum (docs/quotas.md)",
    }),
};

const HostSchema = z
  .object({
    name: z.string(),
    kind: hostFields.kind,
    address: z.string().nullable(),
    port: z.number().int().nullable(),
    user: z.string().nullable(),
    identityFile: z.string().nullable(),
    knownHostsFile: z.string().nullable(),
    workdir: z.string(),
    slots: z.number().int().nullable(),
    gpus: z.number().int().nullable(),
    partition: z.string().nullable(),
    arrayThrottle: z.number().int().nullable(),
    env: z.record(z.string(), z.string()),
    runUser: z.string().nullable(),
    accounts: hostFields.accounts,
    qos: hostFields.qos,
    admission: hostFields.admission.nullable(),
    description: z.string(),
    drained: hostFields.drained,
    pool: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Host');

const NewHostSchema = z
  .object({
    name: nameSchema.openapi({ example: 'cluster' }),
    kind: hostFields.kind,
    address: hostFields.address.optional(),
    port: hostFields.port.optional(),
    user: hostFields.user.optional(),
    identityFile: hostFields.identityFile.optional(),
    knownHostsFile: hostFields.knownHostsFile.optional(),
    workdir: hostFields.workdir,
    slots: hostFields.slots.optional(),
    gpus: hostFields.gpus.optional(),
    partition: hostFields.partition.optional(),
    arrayThrottle: hostFields.arrayThrottle.optional(),
    env: hostFields.env.optional(),
    runUser: hostFields.runUser.optional(),
    accounts: hostFields.accounts.optional(),
    qos: hostFields.qos.optional(),
    admission: hostFields.admission.optional(),
    description: hostFields.description.optional(),
    drained: hostFields.drained.optional(),
    pool: hostFields.pool.optional(),
  })
  .strict()
  .openapi('NewHost');

/** Every field but the name may change; `null` clears an optional one. */
const HostPatchSchema = z
  .object({
    kind: hostFields.kind.optional(),
    address: hostFields.address.nullable().optional(),
    port: hostFields.port.nullable().optional(),
    user: hostFields.user.nullable().optional(),
    identityFile: hostFields.identityFile.nullable().optional(),
    knownHostsFile: hostFields.knownHostsFile.nullable().optional(),
    workdir: hostFields.workdir.optional(),
    slots: hostFields.slots.nullable().optional(),
    gpus: hostFields.gpus.nullable().optional(),
    partition: hostFields.partition.nullable().optional(),
    arrayThrottle: hostFields.arrayThrottle.nullable().optional(),
    env: hostFields.env.optional(),
    runUser: hostFields.runUser.nullable().optional(),
    accounts: hostFields.accounts.optional(),
    qos: hostFields.qos.optional(),
    admission: hostFields.admission.nullable().optional(),
    description: hostFields.description.optional(),
    drained: hostFields.drained.optional(),
    pool: hostFields.pool.nullable().optional(),
  })
  .strict()
  .openapi('HostPatch');

function hostJson(row: HostRow): z.infer<typeof HostSchema> {
  const { createdAt, updatedAt, ...rest } = row;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}

/** Rules across fields, checked on the host as it will be stored. */
function assertConsistent(host: {
  kind: string;
  address?: string | null;
  runUser?: string | null;
  admission?: object | null;
}): void {
  if (host.kind === 'ssh' && !host.address)
    throw badRequest('address: an ssh host needs an address', { field: 'address' });
  if (host.runUser && host.kind !== 'local')
    throw badRequest('runUser: only a local host runs programs as another account', { field: 'runUser' });
  if (host.admission && host.kind === 'slurm')
    throw badRequest('admission: thresholds of load apply to local and ssh hosts; SLURM schedules its own', {
      field: 'admission',
    });
}

export function hostRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  async function getHost(name: string): Promise<HostRow> {
    const row = await findHost(db, name);
    if (!row) throw notFound(`host '${name}'`);
    return row;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['hosts'],
      summary: 'Registered hosts',
      description:
        'Members see only the hosts granted to their groups (all while no group exists), no key-file paths nor run account (null) and, of the accounts and QOS, only those they may choose.',
      security: signedIn,
      responses: { 200: jsonResponse(z.object({ hosts: z.array(HostSchema) }), 'The hosts'), ...pick(401) },
    }),
    async (c) => {
      const viewer = currentUser(c);
      const rows = visibleHosts(await catalogueOf(db, viewer), await listHosts(db));
      return c.json({ hosts: rows.map((row) => hostJson(hostForViewer(row, viewer))) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{name}',
      tags: ['hosts'],
      summary: 'One host',
      description: 'As in the list: members see no key-file paths nor run account.',
      security: signedIn,
      request: { params: NameParam },
      responses: { 200: jsonResponse(HostSchema, 'The host'), ...pick(401, 404) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const viewer = currentUser(c);
      // One not granted to the member's groups is as if it did not exist.
      if (!mayUseHost(await catalogueOf(db, viewer), name)) throw notFound(`host '${name}'`);
      return c.json(hostJson(hostForViewer(await getHost(name), viewer)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['hosts'],
      summary: 'Register a host (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { body: jsonBody(NewHostSchema) },
      responses: { 201: jsonResponse(HostSchema, 'The new host'), ...pick(400, 401, 403, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      assertConsistent(body);
      const row = await insertHost(db, body);
      if (!row) throw conflict(`host '${body.name}' already exists`);
      deps.logger.info({ host: row.name, kind: row.kind }, 'host registered');
      return c.json(hostJson(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{name}',
      tags: ['hosts'],
      summary: 'Change a host (admin); series already running keep what they started with',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: NameParam, body: jsonBody(HostPatchSchema) },
      responses: { 200: jsonResponse(HostSchema, 'The changed host'), ...pick(400, 401, 403, 404) },
    }),
    async (c) => {
      const current = await getHost(c.req.valid('param').name);
      const patch = c.req.valid('json');
      assertConsistent({ ...current, ...patch });
      const row = await updateHost(db, current.name, patch);
      if (patch.drained !== undefined && patch.drained !== current.drained) {
        deps.logger.info(
          { host: row!.name, drained: row!.drained },
          row!.drained ? 'host drained' : 'host undrained',
        );
      }
      return c.json(hostJson(row!), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}',
      tags: ['hosts'],
      summary: 'Remove a host no unfinished series uses (admin)',
      security: signedIn,
      middleware: [requireAdmin] as const,
      request: { params: NameParam },
      responses: { 204: { description: 'Removed' }, ...pick(401, 403, 404, 409) },
    }),
    async (c) => {
      const host = await getHost(c.req.valid('param').name);
      const busy = await anyUnfinishedSeriesOn(db, host.name);
      if (busy) throw conflict(`host '${host.name}' is used by unfinished series ${busy}`, { series: busy });
      await deleteHost(db, host.name);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{name}/check',
      tags: ['hosts'],
      summary: 'Connection test: SSH, host key, SLURM partitions, free GPUs',
      security: signedIn,
      request: { params: NameParam },
      responses: {
        200: jsonResponse(z.object({ host: z.string(), result: z.unknown() }), 'What the check found'),
        502: jsonResponse(ErrorSchema, 'The check could not reach or use the host'),
        ...pick(401, 404, 501),
      },
    }),
    async (c) => {
      const host = await getHost(c.req.valid('param').name);
      if (!deps.checkHost)
        throw new ApiError(501, 'not_implemented', 'host checks are not available in this deployment');
      let result: unknown;
      try {
        result = await deps.checkHost(hostSpecOf(host));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new ApiError(502, 'check_failed', `host '${host.name}': ${message}`);
      }
      return c.json({ host: host.name, result }, 200);
    },
  );

  return app;
}
