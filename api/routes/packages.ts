// /api/v1/packages: upload an input package (zip, tar or tar.gz) to use in a series, list
// one's packages (an admin: everyone's), delete one.
import { createRoute, z } from '@hono/zod-openapi';
import { listPackages, packageUsage, type PackageWithOwner } from '../../db/packages.ts';
import { currentUser, isAdmin, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { createRouter, jsonResponse, pick, signedIn } from '../openapi.ts';
import { deletePackage, receivePackage } from '../series/packages.ts';
import { LISTED_ENTRIES } from '../../hosts/package.ts';

const PackageSchema = z
  .object({
    id: z.string().openapi({ description: 'Give it as `package` when creating or cloning a series' }),
    name: z.string(),
    owner: z.string().openapi({ description: "The uploader's user name" }),
    format: z.enum(['zip', 'tar', 'tar.gz']),
    entries: z.number().int(),
    bytes: z.number().int().openapi({ description: 'Unpacked size' }),
    uploadedBytes: z
      .number()
      .int()
      .openapi({ description: "Size on disk, what counts against the owner's quota" }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    lastUsedAt: z
      .string()
      .openapi({ format: 'date-time', description: 'Upload, or the last series created with it' }),
  })
  .openapi('Package');

const CheckedEntrySchema = z.object({
  path: z.string(),
  type: z.enum(['file', 'directory']),
  size: z.number().int(),
});

const PackageIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'k3v9x2m1q8w7' }),
});

const packageJson = (row: PackageWithOwner) => ({
  id: row.id,
  name: row.name,
  owner: row.ownerName,
  format: row.format,
  entries: row.entries,
  bytes: row.bytes,
  uploadedBytes: row.uploadedBytes,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt.toISOString(),
});

export function packageRoutes(deps: ApiDeps) {
  const { db, config } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['packages'],
      summary: 'Upload an input package, unpacked into the series directory before the runs',
      description:
        'The request body is the archive itself (zip, tar or tar.gz), at most TUPLET_MAX_PACKAGE_BYTES ' +
        "and within the uploader's quota (TUPLET_PACKAGE_QUOTA_BYTES over all their packages): 413 " +
        'otherwise, while the body streams in. Only plain files and directories are accepted: links, ' +
        "devices, entries that leave their directory or bear Tuplet's own names (`.tuplet`, `runs`, " +
        '`tuples.tsv`) are refused with the entry named. A package no series has used for ' +
        'TUPLET_PACKAGE_TTL_HOURS is deleted.',
      security: signedIn,
      request: {
        query: z.object({ name: z.string().max(200).optional().openapi({ example: 'inputs.zip' }) }),
        body: {
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
          required: true,
        },
      },
      responses: {
        201: jsonResponse(
          PackageSchema.extend({
            files: z.array(CheckedEntrySchema).openapi({
              description: `The entries the check admitted, in archive order: the first ${LISTED_ENTRIES} (entries counts them all)`,
            }),
          }).openapi('UploadedPackage'),
          'The package, checked and stored',
        ),
        ...pick(400, 401, 413),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const name = c.req.valid('query').name ?? 'package';
      const { listed, ...row } = await receivePackage(deps, user, name, c.req.raw);
      return c.json({ ...packageJson({ ...row, ownerName: user.name }), files: listed }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['packages'],
      summary: "Your packages, newest first (an admin's list has everyone's), and your quota",
      security: signedIn,
      responses: {
        200: jsonResponse(
          z.object({
            packages: z.array(PackageSchema),
            usedBytes: z.number().int().openapi({ description: 'What your packages hold' }),
            quotaBytes: z.number().int(),
          }),
          'The packages',
        ),
        ...pick(401),
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const [rows, usedBytes] = await Promise.all([
        listPackages(db, isAdmin(user) ? undefined : user.id),
        packageUsage(db, user.id),
      ]);
      return c.json(
        { packages: rows.map(packageJson), usedBytes, quotaBytes: config.limits.packageQuotaBytes },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['packages'],
      summary: 'Delete a package (owner or admin); refused while a series not yet finished uses it',
      security: signedIn,
      request: { params: PackageIdParam },
      responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404, 409) },
    }),
    async (c) => {
      await deletePackage(deps, currentUser(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return app;
}
