// The entries of a tar (or tar.gz) package, admitted one by one (package-rules.ts) and
// streamed as tar entries to be encoded again: the host never sees the uploaded bytes, only
// what Tuplet wrote, so no difference between node-tar's reading and GNU tar's can smuggle a
// link or a device through. node-tar's Parser reads; this module feeds it at the pace the
// consumer reads each entry's data (memory stays flat) and stops a stream that holds far
// more bytes than its entries account for (a compression bomb of padding or headers).
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { PackageError } from './errors.ts';
import { admitEntry, type Budget, type RawEntry } from './package-rules.ts';
import type { TarEntry } from './tar-pack.ts';

/** Longest pax or GNU long-name header accepted (a path of 4 KiB and its fellow records fit). */
const MAX_META_BYTES = 64 * 1024;
/** Bytes of headers, long names and padding an entry may bring besides its data. */
const ENTRY_OVERHEAD = 4 * 512 + 2 * MAX_META_BYTES;
/** Read-ahead of the streams between the file and the parser, and the archive's end records. */
const STREAM_SLACK = 4 * 1024 * 1024;

const KINDS: Record<string, RawEntry['kind']> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
};

/** Whether a tar entry of this type is a plain file (the one list of node-tar's names for one). */
export function isPlainFileType(type: string | undefined): boolean {
  return type !== undefined && KINDS[type] === 'file';
}

export async function* tarEntries(file: string, gzip: boolean, budget: Budget): AsyncGenerator<TarEntry> {
  // Decompression happens here, not in the parser: node-tar's own gunzip does not wait for
  // the entry's reader, and the bound below must count the bytes the parser is fed.
  const parser = new Parser({ strict: true, maxMetaEntrySize: MAX_META_BYTES, brotli: false, zstd: false });
  const arrived: ReadEntry[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  parser.on('entry', (entry: ReadEntry) => {
    arrived.push(entry);
    notify();
  });
  // Types node-tar skips (sparse files, vendor extensions, …) would silently vanish: refuse them.
  parser.on('ignoredEntry', (entry: ReadEntry) => {
    failure ??= new PackageError(
      'special',
      `package entry ${JSON.stringify(entry.path)} is a ${entry.type}: only plain files and directories are accepted`,
      entry.path,
    );
    notify();
  });
  parser.on('end', () => {
    ended = true;
    notify();
  });
  parser.on('error', (error: Error) => {
    failure ??= unreadable(error);
    notify();
  });

  const stop = new AbortController();
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  const input: Readable = gzip ? pipeline(source, createGunzip(), () => {}) : source;
  void feed(input, parser, budget, stop.signal).catch((error: unknown) => {
    if (stop.signal.aborted) return;
    failure ??= error instanceof PackageError ? error : unreadable(error);
    notify();
  });

  try {
    for (;;) {
      if (failure) throw failure;
      const entry = arrived.shift();
      if (!entry) {
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const admitted = admitEntry(
        {
          name: entry.path,
          kind: KINDS[entry.type] ?? 'special',
          typeName: entry.type,
          size: entry.size,
          mode: entry.mode ?? 0,
        },
        budget,
      );
      let opened = false;
      if (!admitted) {
        // The archive's root directory: nothing to unpack.
      } else if (admitted.type === 'Directory') {
        yield { path: admitted.path, type: 'Directory', mode: admitted.mode };
      } else {
        const open = () => {
          opened = true;
          return Promise.resolve(entry);
        };
        yield { path: admitted.path, type: 'File', open, size: admitted.size, mode: admitted.mode };
      }
      // Not read by the consumer (a check, or a directory): let its data pass to nowhere.
      if (!opened) entry.resume();
    }
  } finally {
    stop.abort();
    source.destroy();
  }
}

/** Writes the archive's bytes into the parser, waiting whenever the current entry's reader is full. */
async function feed(input: Readable, parser: Parser, budget: Budget, signal: AbortSignal): Promise<void> {
  let fed = 0;
  let first = true;
  for await (const chunk of input) {
    const bytes = chunk as Buffer;
    if (first && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      // The parser would gunzip an inner layer itself, without backpressure or bounds.
      throw new PackageError('unsupported', 'the package is compressed twice; upload a tar, tar.gz or zip');
    }
    first = false;
    fed += bytes.length;
    const allowed = budget.bytes + (budget.entries + 1) * ENTRY_OVERHEAD + STREAM_SLACK;
    if (fed > allowed) {
      throw new PackageError(
        'unreadable',
        `the package's tar stream holds far more bytes than its ${budget.entries} entries (${fed} read so far): ` +
          'not accepted',
      );
    }
    if (!parser.write(bytes)) await once(parser, 'drain', { signal });
  }
  parser.end();
}

function unreadable(error: unknown): PackageError {
  const message = error instanceof Error ? error.message : String(error);
  return new PackageError('unreadable', `the package is not a readable tar archive: ${message}`);
}
