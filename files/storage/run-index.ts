// A run's file index as collection took it (path, size, sha256 of each stored file, hashed on
// the way through): written by the host worker, read by the control worker's index, so that no
// stored object is read a second time just to hash it. Absent (a series collected before, or a
// run with nothing kept), the index lists and hashes the stored objects instead.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import { runIndexKey, runPrefix } from './layout.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { Storage, StoredObject } from './types.ts';

export interface RunIndexEntry {
  /** Relative to the run's folder. */
  path: string;
  size: number;
  sha256: string;
}

const RunIndexSchema = z.array(
  z.object({
    path: z.string().min(1),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
);

/** Well above a run's index (a million files would be ~100 MB): a bigger object is not one of ours. */
const MAX_INDEX_BYTES = 64 * 1024 ** 2;

export async function writeRunIndex(
  storage: Storage,
  seriesId: string,
  runDir: string,
  entries: readonly RunIndexEntry[],
): Promise<void> {
  await storage.put(runIndexKey(seriesId, runDir), Readable.from([JSON.stringify(entries)]));
}

/** The run's stored index, or undefined when collection left none (one GET, no HEAD before it). */
export async function readRunIndex(
  storage: Storage,
  seriesId: string,
  runDir: string,
): Promise<RunIndexEntry[] | undefined> {
  const key = runIndexKey(seriesId, runDir);
  let object: StoredObject;
  try {
    object = await storage.get(key);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  if (object.size > MAX_INDEX_BYTES) {
    object.body.destroy();
    throw new Error(`file index ${key}: ${object.size} bytes, too large`);
  }
  const text = (await buffer(object.body)).toString('utf8');
  return RunIndexSchema.parse(JSON.parse(text));
}

/** The run's stored files, listed and hashed from storage (when no index was written). */
export async function hashRunFiles(
  storage: Storage,
  seriesId: string,
  runDir: string,
): Promise<RunIndexEntry[]> {
  const prefix = runPrefix(seriesId, runDir);
  const entries: RunIndexEntry[] = [];
  for await (const object of storage.list(prefix)) {
    entries.push({
      path: object.key.slice(prefix.length + 1),
      size: object.size,
      sha256: await sha256Of(storage, object.key),
    });
  }
  return entries;
}

/** The run's files: its stored index, else listed and hashed. */
export async function runFiles(storage: Storage, seriesId: string, runDir: string): Promise<RunIndexEntry[]> {
  return (await readRunIndex(storage, seriesId, runDir)) ?? (await hashRunFiles(storage, seriesId, runDir));
}

export async function sha256Of(storage: Storage, key: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline((await storage.get(key)).body, hash);
  return hash.digest('hex');
}
