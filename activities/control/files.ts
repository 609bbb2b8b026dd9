// Indexing what runs brought back (path, size, sha256, metrics.json and the metrics the
// application declares over stdout or a CSV, see metric-sources.ts) and archiving a series.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Context } from '@temporalio/activity';
import { create as createTar } from 'tar';
import type { Database } from '../../db/client.ts';
import { insertFiles, recordSeriesArchive, type FileEntry } from '../../db/files.ts';
import { runDirsIn, setRunMetrics } from '../../db/runs.ts';
import { findSeriesRow } from '../../db/series.ts';
import { declaredMetrics } from './metric-sources.ts';
import { listFiles } from '../../files/list.ts';
import type { IndexRange } from '../../core/ranges.ts';

const FILE_BATCH = 2_000;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export { listFiles };

/**
 * A run's metrics.json must be a flat JSON object; values that are not numbers, strings,
 * booleans or null are left out, and anything else is ignored (a run's output is untrusted).
 */
export function parseMetrics(text: string): Record<string, number | string | boolean | null> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const flat: Record<string, number | string | boolean | null> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) flat[key] = v as never;
  }
  return flat;
}

export async function indexChunkFiles(
  db: Database,
  storageDir: string,
  seriesId: string,
  ranges: IndexRange[],
): Promise<{ files: number; bytes: number }> {
  const chunkRuns = await runDirsIn(db, seriesId, ranges);
  const sources = (await findSeriesRow(db, seriesId))?.applicationSnapshot.metricSources ?? [];
  const seriesDir = path.join(storageDir, seriesId);
  let rows: FileEntry[] = [];
  let metrics: Array<{ index: number; metrics: Record<string, unknown> }> = [];
  let files = 0;
  let bytes = 0;
  const flush = async () => {
    if (rows.length) await insertFiles(db, seriesId, rows);
    if (metrics.length) await setRunMetrics(db, seriesId, metrics);
    rows = [];
    metrics = [];
    heartbeat(files);
  };
  for (const run of chunkRuns) {
    const runDir = path.join(seriesDir, 'runs', run.dir);
    const listed = await listFiles(runDir);
    let fromJson: Record<string, unknown> | undefined;
    for (const rel of listed) {
      const abs = path.join(runDir, rel);
      const { size } = await stat(abs);
      rows.push({ runIndex: run.index, path: `runs/${run.dir}/${rel}`, size, sha256: await sha256File(abs) });
      files++;
      bytes += size;
      if (rel === 'metrics.json' && size <= 1_000_000) {
        fromJson = parseMetrics(await readFile(abs, 'utf8'));
      }
    }
    // metrics.json has the last word over a declared source that names the same metric.
    const declared = sources.length > 0 ? await declaredMetrics(runDir, new Set(listed), sources) : {};
    const merged = { ...declared, ...fromJson };
    if (fromJson || Object.keys(declared).length > 0) metrics.push({ index: run.index, metrics: merged });
    if (rows.length >= FILE_BATCH) await flush();
  }
  await flush();
  return { files, bytes };
}

/** Packs the series storage into `<storage>/<id>.tar.gz` (rebuilt on reruns), atomically. */
export async function archiveSeriesFiles(
  db: Database,
  storageDir: string,
  seriesId: string,
): Promise<{ path: string; size: number }> {
  await mkdir(path.join(storageDir, seriesId), { recursive: true });
  const archive = path.join(storageDir, `${seriesId}.tar.gz`);
  const partial = `${archive}.partial`;
  await rm(partial, { force: true });
  await createTar({ gzip: true, cwd: storageDir, file: partial, portable: true }, [seriesId]);
  await rename(partial, archive);
  const { size } = await stat(archive);
  const sha256 = await sha256File(archive);
  await recordSeriesArchive(db, seriesId, { path: archive, size, sha256 });
  return { path: archive, size };
}

function heartbeat(details: unknown) {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not inside an activity (direct calls in tests)
  }
}
