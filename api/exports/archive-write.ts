// The archive of a whole series (GET /series/{id}/export): one tar.gz whose first entry is
// manifest.json (api/exports/manifest.ts) and whose other entries are the collected files of its
// runs under files/<path>, in the order the manifest lists them. Files are read from storage one
// at a time as the client reads (hosts/tar-pack.ts tarStream pulls entries lazily), so memory
// holds the manifest and one file's read-ahead, whatever the series' size.
import { pipeline, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Database } from '../../db/client.ts';
import { allRuns } from '../../db/runs.ts';
import { runFileIndex } from '../../db/series-export.ts';
import type { SeriesRow } from '../../db/series.ts';
import type { Storage } from '../../files/storage/types.ts';
import { tarStream, type TarEntry } from '../../hosts/tar-pack.ts';
import { ApiError } from '../errors.ts';
import {
  FILES_FOLDER,
  FORMAT_VERSION,
  MANIFEST_ENTRY,
  MANIFEST_FORMAT,
  MAX_MANIFEST_BYTES,
  type Manifest,
  type ManifestFile,
} from './manifest.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The manifest of a finished series. A file of the index that storage no longer holds (or holds
 * at another size) is left out, so that every file the manifest lists is in the archive.
 */
export async function seriesManifest(db: Database, row: SeriesRow, storage: Storage): Promise<Manifest> {
  const manifestRuns: Manifest['runs'] = [];
  for await (const batch of allRuns(db, row.id)) {
    for (const run of batch)
      manifestRuns.push({
        index: run.index,
        dir: run.dir,
        params: run.params,
        state: run.state,
        exitCode: run.exitCode,
        reason: run.reason,
        attempt: run.attempt,
        startedAt: iso(run.startedAt),
        endedAt: iso(run.endedAt),
        metrics: (run.metrics as Manifest['runs'][number]['metrics']) ?? null,
      });
  }
  const files: ManifestFile[] = [];
  for await (const batch of runFileIndex(db, row.id)) {
    for (const file of batch) {
      const stored = await storage.head(`${row.id}/${file.path}`);
      if (stored?.size === file.size)
        files.push({ path: file.path, run: file.runIndex, size: file.size, sha256: file.sha256 });
    }
  }
  return {
    format: MANIFEST_FORMAT,
    version: FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    series: {
      id: row.id,
      application: row.application,
      applicationSnapshot: row.applicationSnapshot as Manifest['series']['applicationSnapshot'],
      host: row.host,
      ini: row.ini,
      resources: row.resources,
      description: row.description,
      tags: row.tags,
      count: row.count,
      state: row.state,
      reason: row.reason,
      attempt: row.attempt,
      createdAt: row.createdAt.toISOString(),
      startedAt: iso(row.startedAt),
      finishedAt: iso(row.finishedAt),
    },
    runs: manifestRuns,
    files,
  };
}

/** The tar.gz stream of the manifest and the files it lists. */
export function seriesArchive(manifest: Manifest, storage: Storage): Readable {
  const json = Buffer.from(JSON.stringify(manifest, null, 1));
  // An archive this Tuplet could not import back is refused before the first byte.
  if (json.length > MAX_MANIFEST_BYTES)
    throw new ApiError(
      413,
      'too_large',
      `the manifest of series '${manifest.series.id}' would be ${json.length} bytes, more than the ` +
        `${MAX_MANIFEST_BYTES} an import reads; export its results instead (GET /series/{id}/results/export)`,
    );
  const id = manifest.series.id;
  function* entries(): Generator<TarEntry> {
    yield { path: MANIFEST_ENTRY, data: json };
    for (const file of manifest.files)
      yield {
        path: `${FILES_FOLDER}/${file.path}`,
        size: file.size,
        open: async () => (await storage.get(`${id}/${file.path}`)).body,
      };
  }
  return pipeline(tarStream(entries()), createGzip(), () => {});
}
