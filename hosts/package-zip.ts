// The entries of a zip package, admitted one by one (package-rules.ts) and streamed as tar
// entries: the central directory is read first, each file's data only when its turn comes.
import { stat } from 'node:fs/promises';
import yauzl from 'yauzl';
import { PackageError } from './errors.ts';
import { admitEntry, type Budget, type RawEntry } from './package-rules.ts';
import type { TarEntry } from './tar-pack.ts';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const SPECIAL_KINDS: Record<number, string> = {
  0o010000: 'FIFO',
  0o020000: 'CharacterDevice',
  0o060000: 'BlockDevice',
  0o140000: 'Socket',
};

export async function* zipEntries(file: string, budget: Budget): AsyncGenerator<TarEntry> {
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
      const admitted = admitEntry(describe(entry), budget);
      if (!admitted) continue;
      if (admitted.type === 'Directory') {
        yield { path: admitted.path, type: 'Directory', mode: admitted.mode };
      } else {
        const open = () => zip.openReadStreamPromise(entry);
        yield { path: admitted.path, type: 'File', open, size: admitted.size, mode: admitted.mode };
      }
    }
  } catch (error) {
    throw zipError(error);
  } finally {
    zip.close();
  }
}

/** The kind of a zip entry from its Unix mode (high bits of the external attributes), if any. */
function describe(entry: yauzl.Entry): RawEntry {
  const unixMode = entry.externalFileAttributes >>> 16;
  const format = unixMode & S_IFMT;
  const base = { name: entry.fileName, size: entry.uncompressedSize, mode: unixMode & 0o7777 };
  if (entry.fileName.endsWith('/') || format === S_IFDIR)
    return { ...base, kind: 'directory', typeName: 'Directory' };
  if (format === S_IFLNK) return { ...base, kind: 'symlink', typeName: 'SymbolicLink' };
  // Zips made without Unix attributes (Windows, Java) carry 0: a plain file.
  if (format === 0 || format === S_IFREG) return { ...base, kind: 'file', typeName: 'File' };
  return {
    ...base,
    kind: 'special',
    typeName: SPECIAL_KINDS[format] ?? `file of type 0o${format.toString(8)}`,
  };
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
