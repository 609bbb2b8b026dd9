// A tar stream from a host (collected outputs, post-processing's folder) written into a Storage
// entry by entry as it arrives: the tar parser waits while an entry is unread, so memory holds a
// part of one file at most, whatever the stream's size. Each file's size and sha256 are taken
// on the way through, so the file index never reads a stored object again.
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'tar';
import { sha256PassThrough } from '../files/storage/hashing.ts';
import type { Storage } from '../files/storage/types.ts';
import { isPlainFileType } from './package-tar.ts';
import { safeRelativePath } from './paths.ts';

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

/**
 * The rule every tar stream from a host starts with: an entry whose path is unsafe or not
 * `within` the caller's place, or that is neither a directory nor a plain file (a link, a
 * device…), is refused and its path added to `refused`. Answers the entry's safe path and
 * whether it is a directory, or undefined for a refused entry.
 */
export function screenTarEntry(
  entryPath: string,
  entry: { type?: string } | object,
  within: (safePath: string) => boolean,
  refused: string[],
): { safePath: string; directory: boolean } | undefined {
  const type = 'type' in entry ? entry.type : undefined;
  const safePath = safeRelativePath(entryPath);
  if (safePath === undefined || !within(safePath) || (type !== 'Directory' && !isPlainFileType(type))) {
    refused.push(entryPath);
    return undefined;
  }
  return { safePath, directory: type === 'Directory' };
}

/**
 * Files up to this size are read whole as they arrive and stored while the next entries are
 * parsed, PUTS_IN_FLIGHT at most: one PUT after another cost a round trip (or a handful of file
 * operations) per file, which made collect the longest step of a large series' tail. Memory
 * holds PUTS_IN_FLIGHT × SMALL_FILE_BYTES at most; larger files stream in their turn.
 */
const SMALL_FILE_BYTES = 256 * 1024;
const PUTS_IN_FLIGHT = 8;

/** Stores every admitted file of `tarStream`; answers what was stored, in the stream's order. */
export async function storeTarEntries(
  tarStream: Readable,
  storage: Storage,
  into: TarIntoStorage,
): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  const inFlight = new Set<Promise<void>>();
  let writing: Promise<unknown> = Promise.resolve();
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
    tarStream.destroy(error as Error);
  };
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
      const position = stored.length;
      stored.length++;
      const hashing = sha256PassThrough();
      entry.once('error', (error) => hashing.stream.destroy(error));
      const record = (size: number) => {
        stored[position] = { path: entry.path, key, size, sha256: hashing.sha256() };
      };
      writing = writing
        .then(async () => {
          if (failure !== undefined) throw failure;
          if (entry.size > SMALL_FILE_BYTES) {
            record((await storage.put(key, entry.pipe(hashing.stream))).size);
            return;
          }
          while (inFlight.size >= PUTS_IN_FLIGHT) await Promise.race(inFlight);
          // Read now, so that the parser moves on to the next entries while this one is stored.
          const bytes = await buffer(entry.pipe(hashing.stream));
          const put = storage
            .put(key, Readable.from(bytes.length > 0 ? [bytes] : []))
            .then(({ size }) => record(size), fail)
            .finally(() => inFlight.delete(put));
          inFlight.add(put);
        })
        .catch((error: unknown) => {
          entry.resume();
          fail(error);
        });
    },
  });
  await pipeline(tarStream, parser).catch((error: unknown) => {
    throw failure ?? error;
  });
  await writing;
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return stored;
}
