// Exports of a series: its results as CSV, JSON Lines or Parquet
// (`/results/export?format=…`, the same filter as /results), and the whole series as one
// tar.gz with a manifest (`/export`, api/exports/archive-write.ts). Both stream: rows come a page
// at a time from the database, files one at a time from storage.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createRoute, z } from '@hono/zod-openapi';
import { FINAL_SERIES_STATES } from '../../core/states.ts';
import { findSeriesRow } from '../../db/series.ts';
import { storageOf } from '../../files/storage/index.ts';
import { exportFields, exportPages } from '../../db/results-export.ts';
import { resultNames } from '../../db/results.ts';
import { attachmentHeader } from '../../files/serve.ts';
import { parseSweep } from '../../sweep/index.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError, badRequest, conflict } from '../errors.ts';
import { importSeriesArchive } from '../exports/archive-read.ts';
import { seriesArchive, seriesManifest } from '../exports/archive-write.ts';
import { exportColumns } from '../exports/result-columns.ts';
import { parquetChunks } from '../exports/result-parquet.ts';
import { csvChunks, jsonLinesChunks } from '../exports/result-text.ts';
import { createRouter, jsonResponse, pick, signedIn } from '../openapi.ts';
import { IdParam } from '../schemas.ts';
import { getSeries } from '../series/query.ts';

const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
  jsonl: { type: 'application/x-ndjson', extension: 'jsonl' },
  parquet: { type: 'application/vnd.apache.parquet', extension: 'parquet' },
} as const;

const ResultsExportQuery = z.object({
  format: z
    .enum(['csv', 'jsonl', 'parquet'])
    .default('csv')
    .openapi({ description: 'csv, jsonl (JSON Lines) or parquet' }),
  filter: z.string().max(1000).optional().openapi({
    description: 'The results filter (as GET /series/{id}/results): only the runs it matches',
    example: 'period > 1.5',
  }),
});

/** A streamed download: the chunks are produced as the client reads. */
function download(chunks: AsyncIterable<string | Uint8Array>, type: string, name: string): Response {
  async function* bytes() {
    for await (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
  const body = Readable.toWeb(Readable.from(bytes())) as ReadableStream<Uint8Array>;
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': type,
      'Content-Disposition': attachmentHeader(name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    },
  });
}

/** Streams the request body into `file`, refusing it (413) past `cap` bytes. */
async function saveUpload(request: Request, file: string, cap: number): Promise<void> {
  if (!request.body)
    throw badRequest('send the series archive (tar.gz from GET /series/{id}/export) as the body');
  const tooLarge = () =>
    new ApiError(413, 'too_large', `the archive is larger than ${cap} bytes (TUPLET_MAX_IMPORT_BYTES)`, {
      limit: cap,
    });
  if (Number(request.headers.get('content-length') ?? 0) > cap) throw tooLarge();
  let bytes = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > cap ? tooLarge() : null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(request.body as WebReadableStream<Uint8Array>),
    capped,
    createWriteStream(file),
  );
}

const ImportedSchema = z
  .object({
    id: z.string().openapi({ description: 'The new series' }),
    sourceId: z.string().openapi({ description: 'Its id where it was exported' }),
    runs: z.number().int(),
    files: z.number().int(),
  })
  .openapi('ImportedSeries');

export function seriesExportRoutes(deps: ApiDeps) {
  const { db, storageDir, config } = deps;
  // S3 when configured, else the disk below storageDir: exports read and imports write the same way.
  const storage = storageOf(deps);
  const app = createRouter();
  app.use('*', requireUser);

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{id}/export',
    tags: ['series'],
    summary: 'The whole finished series as one tar.gz: manifest.json, then its collected files under files/',
    description:
      'manifest.json holds the INI, the application as it ran, host name, resources, description, tags, ' +
      "states, and every run's parameters, state, exit code, metrics and times, and the file index " +
      '(path, size, sha256). POST /series/import reads it back (docs/exports.md).',
    security: signedIn,
    request: { params: IdParam },
    responses: {
      200: {
        description: 'The archive, streamed',
        content: { 'application/gzip': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      ...pick(400, 401, 404, 409, 413),
    },
  });
  app.get('/:id/export', async (c) => {
    const { id } = IdParam.parse({ id: c.req.param('id') });
    await getSeries(db, id, currentUser(c));
    const row = (await findSeriesRow(db, id))!;
    if (!FINAL_SERIES_STATES.includes(row.state))
      throw conflict(`series is ${row.state}: export it once it has finished`, { state: row.state });
    const manifest = await seriesManifest(db, row, storage);
    const body = Readable.toWeb(seriesArchive(manifest, storage)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': 'application/gzip',
        'Content-Disposition': attachmentHeader(`series-${id}.tar.gz`),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-store',
      },
    });
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/import',
      tags: ['series'],
      summary: 'A series archive (from GET /series/{id}/export) as a new, finished series of yours',
      description:
        'The imported series is a record: its runs, states, metrics and files as the archive has them. It ' +
        'never runs (no rerun, no post-processing); it is private to you (and admins). Refused archives ' +
        '(links, paths leaving the series, entries or manifest fields that do not check) answer 400 naming ' +
        'the entry or field, and leave nothing behind.',
      security: signedIn,
      request: {
        body: {
          required: true,
          // Any content type: the bytes are read as an archive whatever the header says.
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
        },
      },
      responses: { 201: jsonResponse(ImportedSchema, 'The new series'), ...pick(400, 401, 413) },
    }),
    async (c) => {
      const user = currentUser(c);
      const uploads = path.join(storageDir, 'imports');
      await mkdir(uploads, { recursive: true });
      const file = path.join(uploads, `${randomBytes(8).toString('hex')}.partial`);
      try {
        await saveUpload(c.req.raw, file, config.limits.importBytes);
        const imported = await importSeriesArchive(
          file,
          user,
          { db, storage },
          { maxBytes: config.limits.importBytes, maxTuples: config.maxTuples },
        );
        deps.logger.info(
          { seriesId: imported.id, from: imported.sourceId, by: user.name },
          'series imported',
        );
        return c.json(imported, 201);
      } finally {
        await rm(file, { force: true });
      }
    },
  );

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/{id}/results/export',
    tags: ['results'],
    summary:
      "Every run's index, state, exit code, times, varied parameters and metrics as CSV, JSON Lines or Parquet",
    description:
      'Columns: index, state, exit_code, started_at, ended_at, then each varied parameter and each metric ' +
      '(a name already taken gets a `param:` or `metric:` prefix). A parameter or metric is a number when ' +
      'every value of it is one, else text. Parquet: INT32 index and exit code, UTF-8 text, DOUBLE numbers, ' +
      'timestamps in milliseconds (UTC).',
    security: signedIn,
    request: { params: IdParam, query: ResultsExportQuery },
    responses: {
      200: {
        description: 'The export, streamed',
        content: {
          'text/csv': { schema: z.string() },
          'application/x-ndjson': { schema: z.string() },
          'application/vnd.apache.parquet': { schema: z.string().openapi({ format: 'binary' }) },
        },
      },
      ...pick(400, 401, 404),
    },
  });
  app.get('/:id/results/export', async (c) => {
    const { id } = IdParam.parse({ id: c.req.param('id') });
    const parsed = ResultsExportQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badRequest(`${issue.path.join('.') || 'query'}: ${issue.message}`);
    }
    const { format, filter } = parsed.data;
    const row = await getSeries(db, id, currentUser(c));
    const sweep = parseSweep(row.ini, { maxTuples: Math.max(deps.config.maxTuples, row.count) });
    const names = await resultNames(
      db,
      id,
      sweep.parameters.map((p) => p.name),
    );
    // Before the first byte: a bad filter is still a 400 here, not a broken download.
    const columns = exportColumns(await exportFields(db, id, names, filter));
    const pages = exportPages(db, id, names, filter);
    const chunks =
      format === 'csv'
        ? csvChunks(columns, pages)
        : format === 'jsonl'
          ? jsonLinesChunks(columns, pages)
          : parquetChunks(columns, pages, { 'tuplet.series': id });
    const { type, extension } = FORMATS[format];
    return download(chunks, type, `${id}-results.${extension}`);
  });

  return app;
}
