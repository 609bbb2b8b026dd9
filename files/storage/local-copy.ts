// A stored object as a file on this machine, for readers that need one (a zip's central
// directory is at its end, so packages and dataset archives are read at random): on disk
// storage the object's own file; on S3 a copy streamed to disk (never whole in memory).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DiskStorage } from './disk.ts';
import { keySegments } from './keys.ts';
import type { Storage } from './types.ts';

async function download(storage: Storage, key: string, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${randomBytes(6).toString('hex')}`;
  try {
    await pipeline((await storage.get(key)).body, createWriteStream(partial, { flags: 'wx' }));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * The object as a file kept below `cacheDir` (fetched once): for keys that are never reused
 * with other content (`packages/<id>.pkg`, a dataset version's archive), so a copy stays right.
 */
export async function cachedLocalFile(storage: Storage, key: string, cacheDir: string): Promise<string> {
  if (storage instanceof DiskStorage) return storage.pathOf(key);
  const file = path.join(cacheDir, ...keySegments(key));
  const cached = await stat(file).then(
    () => true,
    () => false,
  );
  if (!cached) await download(storage, key, file);
  return file;
}

/** Runs `use` with the object as a file: disk's own, else a copy below `scratchDir` removed afterwards. */
export async function withLocalFile<T>(
  storage: Storage,
  key: string,
  scratchDir: string,
  use: (file: string) => Promise<T>,
): Promise<T> {
  if (storage instanceof DiskStorage) return use(storage.pathOf(key));
  const file = path.join(scratchDir, `${randomBytes(8).toString('hex')}-${path.posix.basename(key)}`);
  await download(storage, key, file);
  try {
    return await use(file);
  } finally {
    await rm(file, { force: true });
  }
}
