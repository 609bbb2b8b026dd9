// The first or last bytes of a stored object, by range: previews, output tails and the metrics
// a run declares read only what they show, from disk or bucket alike.
import { buffer } from 'node:stream/consumers';
import { NotFoundError } from '../../core/errors.ts';
import type { Storage } from './types.ts';

export interface Slice {
  bytes: Buffer;
  /** The whole object's size. */
  size: number;
  /** True when the object is larger than what was read. */
  partial: boolean;
}

/** The first `max` bytes of the object (or the last, with `fromEnd`); NotFoundError when there is none. */
export async function readSlice(storage: Storage, key: string, max: number, fromEnd = false): Promise<Slice> {
  const info = await storage.head(key);
  if (!info) throw new NotFoundError(`stored object '${key}'`);
  const { size } = info;
  const length = Math.min(max, size);
  if (length === 0) return { bytes: Buffer.alloc(0), size, partial: size > 0 };
  const start = fromEnd ? size - length : 0;
  const object = await storage.get(key, { start, end: start + length - 1 });
  const bytes = await buffer(object.body);
  return { bytes, size: object.size, partial: object.size > bytes.length };
}

/**
 * The tail of a log a step stored (the setup's, the post-processing's), as text; null when none
 * was stored (yet). Hosts keep the last 4,000 bytes of a step's output: a stored log longer than
 * `max` was not written by Tuplet, and only its end is read.
 */
export async function readLogTail(storage: Storage, key: string, max = 64 * 1024): Promise<string | null> {
  try {
    return (await readSlice(storage, key, max, true)).bytes.toString('utf8');
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
