// Uploaded packages (zip, tar, tar.gz): plain files and directories only, at relative paths
// inside the series directory that are none of Tuplet's own (package-rules.ts). Checked entry
// by entry when uploaded, and again while they are streamed to a host: whatever the format,
// the host receives a tar stream Tuplet encoded itself from the admitted entries, never the
// uploaded bytes, so only what the rules let through can be unpacked.
import { open as openFile } from 'node:fs/promises';
import { PackageError } from './errors.ts';
import { tarEntries } from './package-tar.ts';
import { zipEntries } from './package-zip.ts';
import { Budget, type PackageLimits } from './package-rules.ts';
import type { TarEntry } from './tar-pack.ts';

export type { PackageLimits } from './package-rules.ts';

export type PackageFormat = 'zip' | 'tar' | 'tar.gz';

export interface CheckedPackage {
  file: string;
  format: PackageFormat;
  entries: number;
  bytes: number;
  /** The first LISTED_ENTRIES admitted entries, in archive order: what the uploader is shown. */
  listed: Array<{ path: string; type: 'file' | 'directory'; size: number }>;
}

/** Entries a check lists; a 100,000-file package is counted in full but listed only this far. */
export const LISTED_ENTRIES = 1000;

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

/**
 * The package's entries as they may be unpacked, one at a time (a file's data is read when
 * the consumer opens it); throws a PackageError naming the first entry the rules refuse.
 */
export async function* packageEntries(file: string, limits: PackageLimits = {}): AsyncGenerator<TarEntry> {
  const format = await packageFormat(file);
  const budget = new Budget(limits);
  yield* format === 'zip' ? zipEntries(file, budget) : tarEntries(file, format === 'tar.gz', budget);
}

/** Checks every entry (without keeping any data); throws PackageError naming the first bad one. */
export async function checkPackage(file: string, limits: PackageLimits = {}): Promise<CheckedPackage> {
  const format = await packageFormat(file);
  let entries = 0;
  let bytes = 0;
  const listed: CheckedPackage['listed'] = [];
  for await (const entry of packageEntries(file, limits)) {
    entries += 1;
    bytes += entry.size ?? 0;
    if (listed.length < LISTED_ENTRIES) {
      const type = entry.type === 'Directory' ? 'directory' : 'file';
      listed.push({ path: entry.path, type, size: entry.size ?? 0 });
    }
  }
  return { file, format, entries, bytes, listed };
}
