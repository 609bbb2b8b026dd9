// A tar stream of every object below a prefix, read from storage one object at a time (the
// tar.gz of a series, its export): the same archive from disk and from a bucket, and never more
// than a read's buffer in memory whatever the series' size. node-tar's own Header and Pax
// encode each entry (long paths get a PAX header); the framing around them is tar's: a body
// padded to 512 bytes, two empty blocks at the end.
import { Readable } from 'node:stream';
import { Header, Pax } from 'tar';
import type { Storage } from './types.ts';

const BLOCK = 512;

/** `tar` of the objects below `prefix` (their keys as paths), read as the stream is consumed. */
export function tarOfPrefix(storage: Storage, prefix: string, mtime = new Date()): Readable {
  return Readable.from(entries(storage, prefix, mtime), { objectMode: false });
}

async function* entries(storage: Storage, prefix: string, mtime: Date): AsyncGenerator<Buffer> {
  for await (const { key } of storage.list(prefix)) {
    const object = await storage.get(key);
    yield* headerBlocks(key, object.size, mtime);
    let written = 0;
    for await (const chunk of object.body as AsyncIterable<Buffer>) {
      // Never more than the header announced, should the object have been replaced meanwhile.
      const kept = chunk.subarray(0, object.size - written);
      written += kept.length;
      if (kept.length > 0) yield kept;
    }
    if (written < object.size) throw new Error(`stored object ${key} ended early while archiving`);
    const pad = (BLOCK - (object.size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}

function* headerBlocks(key: string, size: number, mtime: Date): Generator<Buffer> {
  const fields = { path: key, mode: 0o644, size, mtime, type: 'File' as const };
  const header = new Header(fields);
  // encode() answers whether the fields overflow the ustar header (a long path): then PAX first.
  if (header.encode()) yield new Pax(fields).encode();
  yield header.block!;
}
