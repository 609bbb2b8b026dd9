// A tar stream built from entries produced on the fly (rendered configs, scripts, the
// entries of an uploaded package), for `tar -x` on a host. Headers are encoded by
// node-tar's Header and Pax (long names), so the format is node-tar's; this module only
// streams: entries are pulled lazily and sent in batches, so memory stays flat whatever
// the number of entries and the consumer's speed sets the pace (backpressure).
import { Readable } from 'node:stream';
import { Header, Pax } from 'tar';

export interface TarEntry {
  /** Relative path inside the archive, `/`-separated. */
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink';
  /** Content of a file entry. */
  data?: Buffer | string | Uint8Array;
  /** Or: the content as a stream opened when the entry's turn comes, of exactly `size` bytes. */
  open?: () => Promise<Readable>;
  size?: number;
  /** Default 0o644 for files, 0o755 for directories and symlinks. */
  mode?: number;
  /** Target of a symbolic link. */
  linkpath?: string;
  mtime?: Date;
}

const BLOCK = 512;
/** Bytes gathered before a chunk is pushed: large enough to make per-entry costs vanish. */
const DEFAULT_BATCH_BYTES = 256 * 1024;
const ZEROS = Buffer.alloc(BLOCK * 2);

/** The tar stream of `entries` (an iterable or async iterable, consumed lazily). */
export function tarStream(
  entries: Iterable<TarEntry> | AsyncIterable<TarEntry>,
  options: { batchBytes?: number } = {},
): Readable {
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  async function* blocks(): AsyncGenerator<Buffer> {
    const now = new Date();
    let batch: Buffer[] = [];
    let size = 0;
    for await (const entry of entries) {
      for (const part of encodeEntry(entry, now)) {
        batch.push(part);
        size += part.length;
      }
      if (entry.open) {
        // A large file: flush what we have, then pass its bytes through as they come.
        if (size > 0) yield Buffer.concat(batch, size);
        batch = [];
        size = 0;
        let sent = 0;
        for await (const part of await entry.open()) {
          sent += (part as Buffer).length;
          if (sent > (entry.size ?? 0)) break;
          yield part as Buffer;
        }
        if (sent !== (entry.size ?? 0))
          throw new Error(`tar entry ${entry.path}: expected ${entry.size} bytes, got ${sent}`);
        const pad = (BLOCK - (sent % BLOCK)) % BLOCK;
        if (pad) yield ZEROS.subarray(0, pad);
        continue;
      }
      if (size >= batchBytes) {
        yield Buffer.concat(batch, size);
        batch = [];
        size = 0;
      }
    }
    batch.push(ZEROS);
    yield Buffer.concat(batch);
  }
  return Readable.from(blocks(), { objectMode: false, highWaterMark: batchBytes });
}

/** Header (with a Pax header before it when a name is too long for ustar), data, padding. */
export function encodeEntry(entry: TarEntry, defaultMtime = new Date()): Buffer[] {
  const type = entry.type ?? 'File';
  const data =
    type === 'File' && !entry.open
      ? typeof entry.data === 'string'
        ? Buffer.from(entry.data, 'utf8')
        : Buffer.from(entry.data ?? new Uint8Array())
      : undefined;
  const path = type === 'Directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const fields = {
    path,
    type,
    mode: entry.mode ?? (type === 'File' ? 0o644 : 0o755),
    size: entry.open ? (entry.size ?? 0) : (data?.length ?? 0),
    mtime: entry.mtime ?? defaultMtime,
    uid: 0,
    gid: 0,
    linkpath: entry.linkpath,
  };
  const header = new Header(fields);
  const parts: Buffer[] = [];
  if (header.encode()) parts.push(new Pax({ path, linkpath: entry.linkpath, size: fields.size }).encode());
  if (!header.block) throw new Error(`could not encode a tar header for ${path}`);
  parts.push(header.block);
  if (data && data.length > 0) {
    parts.push(data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(ZEROS.subarray(0, pad));
  }
  return parts;
}
