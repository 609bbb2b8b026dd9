// A tar stream from a host (collected outputs, post-processing's folder) written into a Storage
// entry by entry as it arrives: the tar parser waits while an entry is unread, so memory holds a
// part of one file at most, whatever the stream's size. Each file's size and sha256 are taken
// on the way through, so the file index never reads a stored object again.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'tar';
import { sha256PassThrough } from '../files/storage/hashing.ts';
import type { Storage } from '../files/storage/types.ts';

/** A stored file as the index records it. */
export interface StoredFile {
  /** The entry's (safe, relative) path in the tar stream. */
  path: string;
  key: string;
  size: number;
  sha256: string;
}

export interface TarIntoStorage {
  /** Decides an entry (refusals are the caller's to record); directories are never stored. */
  admits(entryPath: string, entry: { type?: string; size?: number } | object): boolean;
  /** The key of an admitted file. */
  keyOf(entryPath: string): string;
}

/** Stores every admitted file of `tarStream`, in order; answers what was stored. */
export async function storeTarEntries(
  tarStream: Readable,
  storage: Storage,
  into: TarIntoStorage,
): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  let writing: Promise<unknown> = Promise.resolve();
  let failure: unknown;
  const parser = new Parser({
    strict: false,
    noResume: true,
    filter: (entryPath, entry) => into.admits(entryPath, entry),
    onReadEntry(entry) {
      if (entry.type === 'Directory' || failure !== undefined) {
        entry.resume();
        return;
      }
      const key = into.keyOf(entry.path);
      const hashing = sha256PassThrough();
      entry.once('error', (error) => hashing.stream.destroy(error));
      writing = writing
        .then(async () => {
          const { size } = await storage.put(key, entry.pipe(hashing.stream));
          stored.push({ path: entry.path, key, size, sha256: hashing.sha256() });
        })
        .catch((error: unknown) => {
          failure ??= error;
          entry.resume();
          tarStream.destroy(error as Error);
        });
    },
  });
  await pipeline(tarStream, parser).catch((error: unknown) => {
    throw failure ?? error;
  });
  await writing;
  if (failure !== undefined) throw failure;
  return stored;
}
