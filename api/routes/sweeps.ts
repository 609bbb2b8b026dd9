// POST /api/v1/sweeps/preview: what a sweep expands to, without creating anything.
import { createRoute, z } from '@hono/zod-openapi';
import { parseSweep, previewOf } from '../../sweep/index.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { IniSchema, nameSchema } from '../schemas.ts';
import { checkInputAtPreview } from '../series/input-check.ts';
import { usePackage } from '../series/packages.ts';
import { refuseOwnCodeAtPreview } from '../own-code.ts';
import { applicationSchema, schemaFindings, SchemaFindingsSchema } from '../series/parameter-check.ts';
import { checkRenderedSize } from '../series/rendered-size.ts';
import { previewReuse, ReuseOfferSchema, ReusePreviewFields } from '../series/reuse.ts';

const PreviewSchema = z
  .object({
    count: z.union([z.number().int(), z.string()]).openapi({ description: 'A string when beyond 2^53' }),
    parameters: z.array(
      z.object({ section: z.string().nullable(), key: z.string(), values: z.array(z.string()) }),
    ),
    tuples: z.array(
      z.object({ index: z.number().int(), dir: z.string(), values: z.record(z.string(), z.string()) }),
    ),
    schema: SchemaFindingsSchema.optional().openapi({
      description: "With `application`: what its parameter schema says of the sweep's values",
    }),
    reuse: ReuseOfferSchema.optional().openapi({
      description: 'With `application` and `host`: the tuples that already succeeded (docs/reuse.md)',
    }),
  })
  .openapi('SweepPreview');

export function sweepRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/preview',
      tags: ['sweeps'],
      summary: 'Count, varied parameters and the first tuples of an INI sweep',
      security: signedIn,
      request: {
        body: jsonBody(
          z.object({
            ini: IniSchema.openapi({ example: '[model]\nsize = 64 128\nsteps = 100...100...300\n' }),
            limit: z.number().int().min(0).max(1000).default(20),
            application: nameSchema.optional().openapi({
              description:
                "Check the values against this application's parameter schema, and that its input renders the sweep (422 `invalid_input` naming the line otherwise); a template input is read from `package` when it holds the template",
            }),
            ...ReusePreviewFields,
            package: ReusePreviewFields.package.openapi({
              description:
                "Id of the package the series would unpack (POST /api/v1/packages; the caller's own, 403 otherwise): a template input it holds is checked from it, and reuse is keyed by it",
            }),
          }),
        ),
      },
      responses: {
        200: jsonResponse(PreviewSchema, 'The preview'),
        ...pick(400, 401, 403, 413, 422),
      },
    }),
    async (c) => {
      const { ini, limit, application, ...where } = c.req.valid('json');
      const sweep = parseSweep(ini, { maxTuples: deps.config.maxTuples });
      checkRenderedSize(ini, sweep.count, deps.config.limits.renderedBytes);
      // A package is the owner's alone (403 otherwise), whether or not anything below reads it.
      const pkg = where.package ? await usePackage(deps, currentUser(c), where.package) : undefined;
      const preview = previewOf(sweep, limit);
      if (!application) return c.json(preview, 200);
      await refuseOwnCodeAtPreview(deps.db, currentUser(c), application, where);
      const schema = schemaFindings(sweep, await applicationSchema(deps, application));
      await checkInputAtPreview(deps, sweep, application, pkg);
      const reuse = await previewReuse(deps, currentUser(c), sweep, { application, ...where });
      return c.json({ ...preview, schema, ...(reuse ? { reuse } : {}) }, 200);
    },
  );

  return app;
}
