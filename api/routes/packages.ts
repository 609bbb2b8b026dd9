// /api/v1/packages: upload an input package (zip, tar or tar.gz) to use in a series.
import { createRoute, z } from '@hono/zod-openapi';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { createRouter, jsonResponse, pick, signedIn } from '../openapi.ts';
import { receivePackage } from '../series/packages.ts';

const PackageSchema = z
  .object({
    id: z.string().openapi({ description: 'Give it as `package` when creating the series' }),
    name: z.string(),
    format: z.enum(['zip', 'tar', 'tar.gz']),
    entries: z.number().int(),
    bytes: z.number().int().openapi({ description: 'Unpacked size' }),
    uploadedBytes: z.number().int(),
  })
  .openapi('Package');

export function packageRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.use('*', requireUser);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['series'],
      summary: 'Upload an input package, unpacked into the series directory before the runs',
      description:
        'The request body is the archive itself (zip, tar or tar.gz; at most 1 GiB). It is checked for ' +
        'entries that leave their directory, links that point out, and its unpacked size.',
      security: signedIn,
      request: {
        query: z.object({ name: z.string().max(200).optional().openapi({ example: 'inputs.zip' }) }),
        body: {
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
          required: true,
        },
      },
      responses: {
        201: jsonResponse(PackageSchema, 'The package, checked and stored'),
        ...pick(400, 401, 413),
      },
    }),
    async (c) => {
      const name = c.req.valid('query').name ?? 'package';
      const stored = await receivePackage(deps.storageDir, currentUser(c), name, c.req.raw.body);
      const { ownerId: _owner, ...body } = stored;
      return c.json(body, 201);
    },
  );
  return app;
}
