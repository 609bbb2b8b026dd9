// Uploaded packages (zip, tar, tar.gz): checked entry by entry for path traversal, links
// that point out, and total size *before* anything is sent to a host; then streamed out.
// A tar package is sent as it is (its bytes were checked); a zip is re-encoded as a tar
// stream of the same entries, so the host only ever needs `tar`.
import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { list as listTar } from 'tar';
import yauzl from 'yauzl';
import { PackageError } from './errors.ts';
import { linkStaysInside, safeRelativePath } from './paths.ts';
import type { TarEntry } from './tar-pack.ts';

export interface PackageLimits {
  /** Total uncompressed bytes of all entries (default 2 GiB). */
  maxBytes?: number;
  /** Number of entries (default 200,000). */
  maxEntries?: number;
}

export type PackageFormat = 'zip' | 'tar' | 'tar.gz';

export interface CheckedPackage {
  file: string;
  format: PackageFormat;
  entries: number;
  bytes: number;
}

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
const DEFAULT_MAX_ENTRIES = 200_000;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/** Reads the first bytes to tell a zip from a (gzipped) tar. */
export async function packageFormat(file: string): Promise<PackageFormat> {
  const handle = await openFile(file, 'r').catch((error: Error) => {
    throw new PackageError('unreadable', `cannot read the package ${file}: ${error.message}`);
  });
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip'; // empty zip
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    if (bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
    throw new PackageError('unsupported', 'the package is neither a zip nor a tar (or tar.gz) archive');
  } finally {
    await handle.close();
  }
}

/** Checks every entry; throws PackageError naming the first bad one. */
export async function checkPackage(file: string, limits: PackageLimits = {}): Promise<CheckedPackage> {
  const format = await packageFormat(file);
  const budget = new Budget(limits);
  if (format === 'zip') {
    // Reads the central directory (and symlink targets) only: no file data.
    for await (const entry of zipEntries(file, budget)) void entry;
  } else {
    await checkTar(file, budget);
  }
  return { file, format, entries: budget.entries, bytes: budget.bytes };
}

/** Bytes of a checked tar package (for `tar -x`, with `-z` when gzipped). */
export function tarPackageStream(checked: CheckedPackage): Readable {
  if (checked.format === 'zip')
    throw new Error('tarPackageStream: a zip package goes through zipPackageEntries');
  return createReadStream(checked.file, { highWaterMark: 256 * 1024 });
}

/** The entries of a checked zip package, streamed one at a time (for tarStream). */
export function zipPackageEntries(
  checked: CheckedPackage,
  limits: PackageLimits = {},
): AsyncIterable<TarEntry> {
  return zipEntries(checked.file, new Budget(limits));
}

class Budget {
  entries = 0;
  bytes = 0;
  readonly maxBytes: number;
  readonly maxEntries: number;
  constructor(limits: PackageLimits) {
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }
  add(name: string, size: number): void {
    this.entries += 1;
    this.bytes += size;
    if (this.entries > this.maxEntries) {
      throw new PackageError(
        'too_many_entries',
        `the package has more than ${this.maxEntries} entries`,
        name,
      );
    }
    if (this.bytes > this.maxBytes) {
      throw new PackageError(
        'too_large',
        `the package unpacks to more than ${this.maxBytes} bytes (at entry ${name})`,
        name,
      );
    }
  }
}

/** Names Tuplet itself writes in the series directory: a package may not replace them. */
const RESERVED = new Set(['.tuplet', 'runs', 'tuples.tsv']);

function checkedPath(name: string): string {
  const safe = safeRelativePath(name.replace(/^\.\//, ''));
  if (safe === undefined) {
    throw new PackageError(
      'traversal',
      `package entry ${JSON.stringify(name)} would land outside the series directory`,
      name,
    );
  }
  if (RESERVED.has(safe.split('/')[0]!)) {
    throw new PackageError(
      'reserved',
      `package entry ${JSON.stringify(name)} would replace Tuplet's own ${safe.split('/')[0]}`,
      name,
    );
  }
  return safe;
}

function checkLink(name: string, target: string): void {
  if (!linkStaysInside(name, target)) {
    throw new PackageError(
      'link_escape',
      `package entry ${JSON.stringify(name)} links to ${JSON.stringify(target)}, outside the package`,
      name,
    );
  }
}

async function checkTar(file: string, budget: Budget): Promise<void> {
  let failure: unknown;
  await listTar({
    file,
    strict: true,
    onReadEntry(entry) {
      if (failure) return;
      try {
        const name = checkedPath(entry.path);
        if (entry.type === 'SymbolicLink') checkLink(name, entry.linkpath ?? '');
        else if (entry.type === 'Link') checkedPath(entry.linkpath ?? '');
        else if (
          entry.type !== 'File' &&
          entry.type !== 'OldFile' &&
          entry.type !== 'Directory' &&
          entry.type !== 'ContiguousFile'
        ) {
          throw new PackageError(
            'unsupported',
            `package entry ${JSON.stringify(name)} is a ${entry.type}`,
            name,
          );
        }
        budget.add(name, entry.size ?? 0);
      } catch (error) {
        failure = error;
      }
    },
  }).catch((error: Error) => {
    failure ??= new PackageError('unreadable', `the package is not a readable tar archive: ${error.message}`);
  });
  if (failure) throw failure;
}

async function* zipEntries(file: string, budget: Budget): AsyncGenerator<TarEntry> {
  const size = (await stat(file)).size;
  if (size === 0) throw new PackageError('unreadable', 'the package is empty');
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true },
      (error, z) => (error ? reject(zipError(error)) : resolve(z)),
    ),
  );
  try {
    for (;;) {
      const entry = await nextZipEntry(zip);
      if (!entry) return;
      const name = checkedPath(entry.fileName);
      const mode = (entry.externalFileAttributes >>> 16) & 0o7777;
      const kind = (entry.externalFileAttributes >>> 16) & S_IFMT;
      budget.add(name, entry.uncompressedSize);
      if (entry.fileName.endsWith('/') || kind === S_IFDIR) {
        yield { path: name, type: 'Directory', mode: mode || 0o755 };
      } else if (kind === S_IFLNK) {
        const target = (await readAll(await zip.openReadStreamPromise(entry))).toString('utf8');
        checkLink(name, target);
        yield { path: name, type: 'SymbolicLink', linkpath: target };
      } else {
        const open = () => zip.openReadStreamPromise(entry);
        yield { path: name, type: 'File', open, size: entry.uncompressedSize, mode: mode || 0o644 };
      }
    }
  } catch (error) {
    throw zipError(error);
  } finally {
    zip.close();
  }
}

function nextZipEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = (error: Error) => (cleanup(), reject(error));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** yauzl refuses some bad names itself; give those the same typed error. */
function zipError(error: unknown): Error {
  if (error instanceof PackageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const bad = /^(?:absolute path|invalid relative path|invalid characters in fileName): (.*)$/.exec(message);
  if (bad) {
    return new PackageError(
      'traversal',
      `package entry ${JSON.stringify(bad[1])} would land outside the series directory`,
      bad[1],
    );
  }
  return new PackageError('unreadable', `the package is not a readable zip archive: ${message}`);
}
