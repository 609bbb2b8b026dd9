// /api/v1/datasets: named, versioned inputs reused across series (docs/datasets.md). Create a
// dataset, add versions (an uploaded archive, or a path on a host), list and inspect them
// (entries, bytes, manifest sha256, the file tree of an upload, the series that used a
// version), delete a version or the dataset unless a live series uses it.
import { createRoute, z } from '@hono/zod-openapi';
import {
  listDatasets,
  listDatasetVersions,
  seriesUsingDataset,
  type DatasetVersionRow,
  type DatasetWithNames,
} from '../../db/datasets.ts';
import { LISTED_ENTRIES } from '../../hosts/package.ts';
import { seriesViewer } from '../access.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { DescriptionSchema } from '../schemas.ts';
import { DatasetNameSchema } from '../datasets/use.ts';
import {
  createDataset,
  deleteDataset,
  deleteVersion,
  readManifest,
  registerHostVersion,
  uploadVersion,
  visibleDataset,
  visibleVersion,
} from '../datasets/store.ts';

const DatasetSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    owner: z.string().openapi({ description: "The owner's user name" }),
    group: z
      .string()
      .nullable()
      .openapi({ description: 'Its members see and use the dataset; null: the owner only' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Dataset');

const VersionSchema = z
  .object({
    version: z.number().int(),
    kind: z.enum(['upload', 'host']),
    host: z.string().nullable().openapi({ description: 'host versions: where the data lives' }),
    path: z.string().nullable().openapi({ description: 'host versions: the absolute path on that host' }),
    entries: z.number().int().nullable().openapi({ description: 'uploads: files and directories' }),
    bytes: z.number().int().nullable().openapi({ description: 'uploads: unpacked size' }),
    manifestSha256: z
      .string()
      .nullable()
      .openapi({ description: 'uploads: sha256 of the manifest (path, size, sha256 of every entry)' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('DatasetVersion');

const UsedBySchema = z
  .object({ seriesId: z.string(), version: z.number().int(), state: z.string(), mountPath: z.string() })
  .openapi('DatasetUse');

const ManifestEntrySchema = z.object({
  path: z.string(),
  type: z.enum(['file', 'directory']),
  size: z.number().int(),
  sha256: z.string().optional(),
});

const NameParam = z.object({
  name: DatasetNameSchema.openapi({ param: { name: 'name', in: 'path' }, example: 'cells-2024' }),
});
const VersionParams = NameParam.extend({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .openapi({ param: { name: 'version', in: 'path' }, example: 1 }),
});

const datasetJson = (row: DatasetWithNames) => ({
  name: row.name,
  description: row.description,
  owner: row.ownerName,
  group: row.groupName,
  createdAt: row.createdAt.toISOString(),
});

const versionJson = (row: DatasetVersionRow) => ({
  version: row.version,
  kind: row.kind,
  host: row.host,
  path: row.hostPath,
  entries: row.entries,
  bytes: row.bytes,
  manifestSha256: row.manifestSha256,
  createdAt: row.createdAt.toISOString(),
});

export function datasetRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['datasets'],
      summary: 'Create a dataset (then add versions to it)',
      security: signedIn,
      request: {
        body: jsonBody(
          z
            .object({
              name: DatasetNameSchema.openapi({ example: 'cells-2024' }),
              description: DescriptionSchema.optional(),
              group: z.string().min(1).max(64).optional().openapi({
                description: 'One of your groups: its members see and use the dataset',
              }),
            })
            .strict(),
        ),
      },
      responses: {
        201: jsonResponse(DatasetSchema, 'The dataset, without versions yet'),
        ...pick(400, 401, 409, 422),
      },
    }),
    async (c) => {
      const row = await createDataset(deps, currentUser(c), c.req.valid('json'));
      return c.json(datasetJson(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['datasets'],
      summary: 'The datasets you may see (yours, your groups’; an admin: all), by name',
      security: signedIn,
      responses: {
        200: jsonResponse(z.object({ datasets: z.array(DatasetSchema) }), 'The datasets'),
        ...pick(401),
      },
    }),
    async (c) => {
      const rows = await listDatasets(deps.db, seriesViewer(currentUser(c)));
      return c.json({ datasets: rows.map(datasetJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{name}',
      tags: ['datasets'],
      summary: 'A dataset with its versions, newest first',
      security: signedIn,
      request: { params: NameParam },
      responses: {
        200: jsonResponse(
          DatasetSchema.extend({ versions: z.array(VersionSchema) }).openapi('DatasetWithVersions'),
          'The dataset',
        ),
        ...pick(400, 401, 404),
      },
    }),
    async (c) => {
      const dataset = await visibleDataset(deps, currentUser(c), c.req.valid('param').name);
      const versions = await listDatasetVersions(deps.db, dataset.id);
      return c.json({ ...datasetJson(dataset), versions: versions.map(versionJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}',
      tags: ['datasets'],
      summary:
        'Delete a dataset and its versions (owner or admin); 409 naming the series while a live one uses it',
      security: signedIn,
      request: { params: NameParam },
      responses: { 204: { description: 'Deleted' }, ...pick(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const user = currentUser(c);
      const { name } = c.req.valid('param');
      const dataset = await visibleDataset(deps, user, name);
      await deleteDataset(deps, user, name, await listDatasetVersions(deps.db, dataset.id));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{name}/versions',
      tags: ['datasets'],
      summary: 'Add a version by uploading an archive (zip, tar or tar.gz), checked as input packages are',
      description:
        'The body is the archive, at most TUPLET_MAX_PACKAGE_BYTES (413 otherwise, while it streams). Only plain ' +
        "files and directories are accepted: links, devices, entries that leave their directory or bear Tuplet's " +
        'own names are refused with the entry named. Owner or admin.',
      security: signedIn,
      request: {
        params: NameParam,
        body: {
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
          required: true,
        },
      },
      responses: {
        201: jsonResponse(VersionSchema, 'The version, checked and stored'),
        ...pick(400, 401, 403, 404, 413),
      },
    }),
    async (c) => {
      const row = await uploadVersion(deps, currentUser(c), c.req.valid('param').name, c.req.raw);
      return c.json(versionJson(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{name}/host-versions',
      tags: ['datasets'],
      summary: 'Add a version that is a directory already on a host (linked at staging, never copied)',
      description:
        'Admins only (the files are read as the service account; members upload their data). ' +
        'The path is absolute and normal (no `..`); ' +
        'a series staging it checks that it exists on the host.',
      security: signedIn,
      request: {
        params: NameParam,
        body: jsonBody(
          z
            .object({
              host: z.string().min(1).max(64).openapi({ example: 'cluster' }),
              path: z.string().min(1).max(4096).openapi({ example: '/scratch/shared/cells-2024' }),
            })
            .strict(),
        ),
      },
      responses: {
        201: jsonResponse(VersionSchema, 'The version'),
        ...pick(400, 401, 403, 404, 422),
      },
    }),
    async (c) => {
      const row = await registerHostVersion(
        deps,
        currentUser(c),
        c.req.valid('param').name,
        c.req.valid('json'),
      );
      return c.json(versionJson(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{name}/versions/{version}',
      tags: ['datasets'],
      summary: 'A version: its file tree with sizes and sha256 (uploads), and the series that used it',
      security: signedIn,
      request: { params: VersionParams },
      responses: {
        200: jsonResponse(
          VersionSchema.extend({
            files: z
              .array(ManifestEntrySchema)
              .nullable()
              .openapi({
                description: `uploads: the first ${LISTED_ENTRIES} entries of the manifest, in archive order (entries counts them all); host versions: null`,
              }),
            usedBy: z
              .array(UsedBySchema)
              .openapi({ description: 'Series that refer to it and that you may see, newest first' }),
          }).openapi('DatasetVersionDetail'),
          'The version',
        ),
        ...pick(400, 401, 404),
      },
    }),
    async (c) => {
      const { name, version } = c.req.valid('param');
      const user = currentUser(c);
      const found = await visibleVersion(deps, user, name, version);
      const [manifest, usedBy] = await Promise.all([
        readManifest(deps, found.version),
        seriesUsingDataset(deps.db, found.dataset.id, { version, visibleTo: seriesViewer(user) }),
      ]);
      const files = manifest ? manifest.entries.slice(0, LISTED_ENTRIES) : null;
      return c.json({ ...versionJson(found.version), files, usedBy }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}/versions/{version}',
      tags: ['datasets'],
      summary: 'Delete a version (owner or admin); 409 naming the series while a live one uses it',
      security: signedIn,
      request: { params: VersionParams },
      responses: { 204: { description: 'Deleted' }, ...pick(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { name, version } = c.req.valid('param');
      await deleteVersion(deps, currentUser(c), name, version);
      return c.body(null, 204);
    },
  );

  return app;
}
