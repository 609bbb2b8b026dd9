// /api/v1/applications: the programs series run. Everyone signed in reads them; only admins
// register, change or remove one: an application's command is the only shell text a series
// runs, so members run vetted programs and vary them only through parameters. A series keeps
// a snapshot, so later edits never change a series that exists.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import {
  deleteApplication,
  findApplication,
  insertApplication,
  listApplications,
  updateApplication,
  type ApplicationRow,
} from '../../db/applications.ts';
import { currentUser, requireAdmin, requireUser } from '../auth.ts';
import { catalogueOf, mayUseApplication, visibleApplications } from '../access.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError, badRequest, conflict, notFound } from '../errors.ts';
import { OWN_CODE } from '../own-code.ts';
import { APPLICATION_KINDS, type ApplicationKind } from '../../db/applications.ts';
import { listHostNames } from '../../db/hosts.ts';
import { createRouter, invalidRequestBody, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { parametersRefusal, ParametersSchema } from '../parameter-schema.ts';
import type { ParameterSpec } from '../../core/parameter-schema.ts';
import { runEnvSchema } from '../run-environment.ts';
import { inputRefusal, InputSchema } from '../input-schema.ts';
import { MetricSourcesSchema } from '../metric-sources-schema.ts';
import { hasControlCharacters } from '../../core/text.ts';
import { nameSchema, NameParam } from '../schemas.ts';

/** A glob relative to the run directory: no absolute paths, no `..`. */
const globSchema = z
  .string()
  .min(1)
  .max(256)
  .refine(
    (s) => !s.startsWith('/') && !s.split('/').includes('..') && !hasControlCharacters(s),
    'a glob relative to the run directory, without `..`',
  );

const fields = {
  kind: z.enum(APPLICATION_KINDS).openapi({
    description:
      "`program` (default): runs `command`, vetted by an admin. `own-code`: runs the program its series' package carries (code.py, or tuplet.json's command, in a virtual environment of the package's requirements), for members of groups with ownCode only; it has no `command` or `setup` of its own (docs/own-code.md)",
  }),
  command: z.string().min(1).max(10_000).openapi({
    example: 'python3 spiral.py config.ini',
    description: 'Required for a `program`; absent for `own-code` (the package carries the program)',
  }),
  configFile: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a file name in the run directory (no slashes)')
    .openapi({ example: 'config.ini' }),
  setup: z.string().min(1).max(10_000).openapi({ example: 'python3 -m venv .venv' }),
  // Run by bash in the series directory after the runs (docs/postprocess.md); admins write it.
  postprocess: z
    .string()
    .min(1)
    .max(10_000)
    .refine((s) => !s.includes('\0'), 'a shell command without NUL bytes')
    .openapi({ example: 'python3 summarize.py runs.tsv postprocess/' }),
  collect: z.array(globSchema).max(64),
  env: runEnvSchema,
  description: z.string().max(10_000),
  parameters: ParametersSchema,
  input: InputSchema,
  metricSources: MetricSourcesSchema,
  hosts: z.array(nameSchema).max(256).openapi({
    description:
      'The only hosts the application runs on, each a registered host (null or []: any host its users may use)',
  }),
};

const ApplicationSchema = z
  .object({
    name: z.string(),
    kind: fields.kind,
    command: z
      .string()
      .openapi({ description: "Empty for `own-code`: its series' command comes from the package" }),
    configFile: z.string(),
    setup: z.string().nullable(),
    postprocess: z.string().nullable(),
    collect: z.array(z.string()).nullable(),
    env: z.record(z.string(), z.string()),
    parameters: ParametersSchema.nullable(),
    input: InputSchema.nullable(),
    metricSources: MetricSourcesSchema.nullable(),
    hosts: fields.hosts.nullable(),
    description: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Application');

const NewApplicationSchema = z
  .object({
    name: nameSchema.openapi({ example: 'spiral' }),
    kind: fields.kind.optional(),
    command: fields.command.optional(),
    configFile: fields.configFile.optional(),
    setup: fields.setup.optional(),
    postprocess: fields.postprocess.optional(),
    collect: fields.collect.optional(),
    env: fields.env.optional(),
    description: fields.description.optional(),
    parameters: fields.parameters.optional(),
    input: fields.input.optional(),
    metricSources: fields.metricSources.optional(),
    hosts: fields.hosts.optional(),
  })
  .strict()
  .superRefine(refuseCommandOfKind)
  .openapi('NewApplication');

const ApplicationPatchSchema = z
  .object({
    command: fields.command.optional(),
    configFile: fields.configFile.optional(),
    setup: fields.setup.nullable().optional(),
    postprocess: fields.postprocess.nullable().optional(),
    collect: fields.collect.nullable().optional(),
    env: fields.env.optional(),
    description: fields.description.optional(),
    parameters: fields.parameters.nullable().optional(),
    input: fields.input.nullable().optional(),
    metricSources: fields.metricSources.nullable().optional(),
    hosts: fields.hosts.nullable().optional(),
  })
  .strict()
  .openapi('ApplicationPatch');

/**
 * A program needs its command; an own-code application has none (nor a setup): its series'
 * package carries the program and its setup builds the package's environment.
 */
function refuseCommandOfKind(
  body: { kind?: ApplicationKind | undefined; command?: string | undefined; setup?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((body.kind ?? 'program') === 'program') {
    if (body.command === undefined)
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'a program application needs a command' });
    return;
  }
  for (const field of ['command', 'setup'] as const) {
    if (body[field] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `an own-code application has no ${field}: its series' package carries the program (docs/own-code.md)`,
      });
  }
}

/** A bad `parameters` schema answers 422 naming its field; anything else the usual 400. */
const refuseBadParameters = (result: { success: true } | { success: false; error: ZodError }, c: Context) => {
  if (result.success) return;
  const refusal = parametersRefusal(result.error) ?? inputRefusal(result.error);
  return refusal ? c.json(refusal, 422) : c.json(invalidRequestBody(result.error), 400);
};

/** An empty schema is no schema: stored as null, so every reader has one case to handle. */
function withoutEmptySchema<T extends { parameters?: ParameterSpec[] | null | undefined }>(body: T): T {
  return body.parameters?.length === 0 ? { ...body, parameters: null } : body;
}

/** No host named is no limit: `hosts: []` is stored as null (any host), as the form reads it. */
function withoutEmptyHosts<T extends { hosts?: string[] | null | undefined }>(body: T): T {
  return body.hosts?.length === 0 ? { ...body, hosts: null } : body;
}

/** PATCH on an own-code application: its kind has no command or setup to change. */
function refuseOwnCodeFields(name: string, patch: { command?: string; setup?: string | null }): void {
  for (const field of ['command', 'setup'] as const) {
    if (patch[field] !== undefined && patch[field] !== null)
      throw new ApiError(
        422,
        'own_code_field',
        `${field}: application '${name}' is own-code: its series' package carries the program (docs/own-code.md)`,
        { field },
      );
  }
}

function applicationJson(row: ApplicationRow): z.infer<typeof ApplicationSchema> {
  const { createdAt, updatedAt, ...rest } = row;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}

export function applicationRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  /** `hosts` names registered hosts only: a typo would otherwise limit the application to nowhere. */
  async function assertHostsExist(hosts: string[] | null | undefined): Promise<void> {
    if (!hosts?.length) return;
    const known = new Set(await listHostNames(db));
    const unknown = hosts.filter((name) => !known.has(name));
    if (unknown.length > 0)
      throw badRequest(`hosts: no host is registered as ${unknown.map((name) => `'${name}'`).join(', ')}`, {
        field: 'hosts',
        hosts: unknown,
      });
  }

  async function getApplication(name: string): Promise<ApplicationRow> {
    const row = await findApplication(db, name);
    if (!row) throw notFound(`application '${name}'`);
    return row;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['applications'],
      summary: 'Registered applications',
      description: 'Members see those granted to their groups (all of them while no group exists)',
      security: signedIn,
      responses: {
        200: jsonResponse(z.object({ applications: z.array(ApplicationSchema) }), 'The applications'),
        ...pick(401),
      },
    }),
    async (c) => {
      const rows = visibleApplications(await catalogueOf(db, currentUser(c)), await listApplications(db));
      return c.json({ applications: rows.map(applicationJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{name}',
      tags: ['applications'],
      summary: 'One application',
      security: signedIn,
      request: { params: NameParam },
      responses: { 200: jsonResponse(ApplicationSchema, 'The application'), ...pick(401, 404) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      // One not granted to the member's groups is as if it did not exist.
      if (!mayUseApplication(await catalogueOf(db, currentUser(c)), name))
        throw notFound(`application '${name}'`);
      return c.json(applicationJson(await getApplication(name)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['applications'],
      summary: 'Register an application (admin)',
      middleware: [requireAdmin] as const,
      security: signedIn,
      request: { body: jsonBody(NewApplicationSchema) },
      responses: {
        201: jsonResponse(ApplicationSchema, 'The new application'),
        ...pick(400, 401, 403, 409, 422),
      },
    }),
    async (c) => {
      const body = withoutEmptyHosts(withoutEmptySchema(c.req.valid('json')));
      await assertHostsExist(body.hosts);
      const row = await insertApplication(db, { ...body, command: body.command ?? '' });
      if (!row) throw conflict(`application '${body.name}' already exists`);
      deps.logger.info({ application: row.name }, 'application registered');
      return c.json(applicationJson(row), 201);
    },
    refuseBadParameters,
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{name}',
      tags: ['applications'],
      summary: 'Change an application; existing series keep their snapshot (admin)',
      middleware: [requireAdmin] as const,
      security: signedIn,
      request: { params: NameParam, body: jsonBody(ApplicationPatchSchema) },
      responses: {
        200: jsonResponse(ApplicationSchema, 'The changed application'),
        ...pick(400, 401, 403, 404, 422),
      },
    }),
    async (c) => {
      const current = await getApplication(c.req.valid('param').name);
      const patch = withoutEmptyHosts(withoutEmptySchema(c.req.valid('json')));
      if (current.kind === OWN_CODE) refuseOwnCodeFields(current.name, patch);
      await assertHostsExist(patch.hosts);
      const row = await updateApplication(db, current.name, patch);
      return c.json(applicationJson(row!), 200);
    },
    refuseBadParameters,
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}',
      tags: ['applications'],
      summary: 'Remove an application; existing series keep their snapshot (admin)',
      middleware: [requireAdmin] as const,
      security: signedIn,
      request: { params: NameParam },
      responses: { 204: { description: 'Removed' }, ...pick(401, 403, 404) },
    }),
    async (c) => {
      const current = await getApplication(c.req.valid('param').name);
      await deleteApplication(db, current.name);
      return c.body(null, 204);
    },
  );

  return app;
}
