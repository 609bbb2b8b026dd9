// The contract every storage backend keeps (files/storage/disk.ts, files/storage/s3.ts): a flat
// namespace of keys (`<series>/runs/<dir>/out.txt`, `packages/<id>.pkg`), written whole from a
// stream, read whole or by byte range as a stream. Nothing here holds an object in memory.
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** The key, relative to the storage's root (no backend prefix). */
  key: string;
  size: number;
}

/** Bytes `start`..`end`, both included (as in HTTP's Range); `end` absent: to the end. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface StoredObject {
  /** The whole object's size. */
  size: number;
  /** The bytes the body carries, `end` included (for a whole empty object: 0, -1). */
  start: number;
  end: number;
  /** The bytes; the reader consumes or destroys it. */
  body: Readable;
}

export interface Storage {
  /** Where objects go, for logs and errors; never carries a credential. */
  readonly description: string;
  /** Writes `body` under `key`, replacing what was there; readers see the old or the new, whole. */
  put(key: string, body: Readable): Promise<ObjectInfo>;
  /** Reads the object; NotFoundError when there is none, InvalidRequestError for a range past its end. */
  get(key: string, range?: ByteRange): Promise<StoredObject>;
  /** The object's size, or undefined when there is none. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Removes the object; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** Removes every object below the folder `prefix` (a key; never everything). */
  deletePrefix(prefix: string): Promise<void>;
  /** Every object below the folder `prefix` (`''`: all), in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
}
