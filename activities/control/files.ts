// Indexing what runs brought back (path, size, sha256, metrics.json and the metrics the
// application declares over stdout or a CSV, see metric-sources.ts) and archiving a series,
// from storage (disk or S3, files/storage/).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Context } from '@temporalio/activity';
import { tarOfPrefix } from '../../files/storage/archive.ts';
import { sha256PassThrough } from '../../files/storage/hashing.ts';
import { storageOf, type Storage } from '../../files/storage/index.ts';
import { archiveKey, runPrefix, seriesPrefix } from '../../files/storage/layout.ts';
import { inOrderAhead } from '../../files/storage/read-ahead.ts';
import { runFiles, type RunIndexEntry } from '../../files/storage/run-index.ts';
import { readSlice } from '../../files/storage/slice.ts';
import type { Database } from '../../db/client.ts';
import { insertFiles, recordSeriesArchive, type FileEntry } from '../../db/files.ts';
import { analyzeResults } from '../../db/results.ts';
import { metricNames, runDirsIn, setRunMetrics } from '../../db/runs.ts';
import { findSeriesRow } from '../../db/series.ts';
import { declaredMetrics } from './metric-sources.ts';
import type { IndexRange } from '../../core/ranges.ts';

const FILE_BATCH = 2_000;
/** Runs whose files and metrics are read ahead of the one being indexed. */
const RUNS_AHEAD = 16;

/** A local file's sha256 (what a disk reader needs; stored objects: files/storage/run-index.ts sha256Of). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

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
  storageRoot: string | Storage,
  seriesId: string,
  ranges: IndexRange[],
): Promise<{ files: number; bytes: number }> {
  const storage = typeof storageRoot === 'string' ? storageOf({ storageDir: storageRoot }) : storageRoot;
  const chunkRuns = await runDirsIn(db, seriesId, ranges);
  const sources = (await findSeriesRow(db, seriesId))?.applicationSnapshot.metricSources ?? [];
  const allNames = () => metricNames(db, seriesId, Number.MAX_SAFE_INTEGER);
  const namesBefore = (await allNames()).length;
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
  // Each run's index and metrics are read a few runs ahead (one GET after another was a round
  // trip per run); rows go to the database in batches, in run order.
  const read = inOrderAhead(chunkRuns, RUNS_AHEAD, (run) => readRunOutputs(storage, seriesId, run, sources));
  for await (const { run, listed, metrics: runMetrics } of read) {
    for (const file of listed) {
      rows.push({
        runIndex: run.index,
        path: `runs/${run.dir}/${file.path}`,
        size: file.size,
        sha256: file.sha256,
      });
      files++;
      bytes += file.size;
    }
    if (runMetrics) metrics.push({ index: run.index, metrics: runMetrics });
    // A beat per run (the SDK sends at most one per interval): a beat per batch of 2,000 files
    // left ~285 runs between beats, which under load can pass the 15 s heartbeat timeout, and a
    // timed-out attempt starts again from nothing (indexChunk took 783 s at 2,000 runs, load 40).
    heartbeat(files);
    if (rows.length >= FILE_BATCH) await flush();
  }
  await flush();
  // A metric name first reported here has no planner statistics, and PGlite never gathers them
  // itself: without them a results page filtered on it probes the wrong index (db/results.ts).
  if ((await allNames()).length !== namesBefore) await analyzeResults(db);
  return { files, bytes };
}

/** A run's stored files (as collection indexed them, else listed and hashed) and its metrics. */
async function readRunOutputs(
  storage: Storage,
  seriesId: string,
  run: { index: number; dir: string },
  sources: Parameters<typeof declaredMetrics>[2],
): Promise<{
  run: { index: number; dir: string };
  listed: RunIndexEntry[];
  metrics?: Record<string, unknown>;
}> {
  const listed = await runFiles(storage, seriesId, run.dir);
  const keyOf = (rel: string) => `${runPrefix(seriesId, run.dir)}/${rel}`;
  const json = listed.find((file) => file.path === 'metrics.json' && file.size <= 1_000_000);
  const fromJson = json
    ? parseMetrics((await readSlice(storage, keyOf(json.path), 1_000_000)).bytes.toString('utf8'))
    : undefined;
  // metrics.json has the last word over a declared source that names the same metric.
  const declared =
    sources.length > 0
      ? await declaredMetrics(
          (rel, max, fromEnd) => readSlice(storage, keyOf(rel), max, fromEnd),
          new Set(listed.map((f) => f.path)),
          sources,
        )
      : {};
  const found = fromJson || Object.keys(declared).length > 0;
  return { run, listed, ...(found ? { metrics: { ...declared, ...fromJson } } : {}) };
}

/**
 * Packs the series' stored files into `<id>.tar.gz` (rebuilt on reruns), streamed from storage
 * through gzip into storage, its sha256 taken on the way; readers see the old archive or the new.
 */
export async function archiveSeriesFiles(
  db: Database,
  storageRoot: string | Storage,
  seriesId: string,
): Promise<{ path: string; size: number }> {
  const storage = typeof storageRoot === 'string' ? storageOf({ storageDir: storageRoot }) : storageRoot;
  const key = archiveKey(seriesId);
  const hashing = sha256PassThrough();
  const packed = tarOfPrefix(storage, seriesPrefix(seriesId));
  // The activity heartbeats (workflows/activities.ts controlLong): without a beat while the
  // bytes flow, an archive longer than the heartbeat timeout was failed and started again from
  // nothing, forever (a 2,000-run series under load stayed `archiving`).
  let packedBytes = 0;
  packed.on('data', (chunk: Buffer) => heartbeat({ archivedBytes: (packedBytes += chunk.length) }));
  const gzipped = packed.pipe(createGzip());
  packed.once('error', (error) => gzipped.destroy(error));
  gzipped.once('error', (error) => hashing.stream.destroy(error));
  const { size } = await storage.put(key, gzipped.pipe(hashing.stream));
  await recordSeriesArchive(db, seriesId, { path: key, size, sha256: hashing.sha256() });
  return { path: key, size };
}

function heartbeat(details: unknown) {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not inside an activity (direct calls in tests)
  }
}
