// What an entry of an uploaded package may be: a plain file or a directory, at a relative
// path that stays inside the series directory and is none of Tuplet's own names. Links of
// any kind are refused: a link lets later entries (or `tar -x` on the host) write through
// it, and composing links to decide where they point is a game an attacker wins. Devices,
// fifos and the like have no place in a program's inputs. The zip and tar readers both
// describe each entry as a RawEntry and let admitEntry decide, so the rules live here once.
import { PackageError } from './errors.ts';
import { RESERVED_SERIES_NAMES, safeRelativePath } from './paths.ts';

export interface PackageLimits {
  /** Total uncompressed bytes of all entries (default 2 GiB). */
  maxBytes?: number;
  /** Number of entries (default 200,000). */
  maxEntries?: number;
}

export interface RawEntry {
  /** The name as the archive spells it. */
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'hardlink' | 'special';
  /** How the archive calls the kind (for the error message): `FIFO`, `CharacterDevice`, … */
  typeName: string;
  size: number;
  /** Permission bits as stored (0 when the archive has none). */
  mode: number;
}

export interface AdmittedEntry {
  /** Normalised relative path, as it will be unpacked. */
  path: string;
  type: 'File' | 'Directory';
  size: number;
  /**
   * Permission bits only: no setuid, setgid or sticky bit (unpacked as root, a setuid file
   * would be a setuid-root program), nothing writable by group or others, and always
   * readable and writable by the owner.
   */
  mode: number;
}

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
const DEFAULT_MAX_ENTRIES = 200_000;

/** Counts entries and bytes against the limits, naming the entry that goes over. */
export class Budget {
  entries = 0;
  bytes = 0;
  readonly maxBytes: number;
  readonly maxEntries: number;
  constructor(limits: PackageLimits = {}) {
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

/**
 * The entry as it may be unpacked, undefined for the archive's root directory (`./`, as
 * `tar -C dir -cf … .` writes it: nothing to unpack), or a PackageError naming it.
 */
export function admitEntry(entry: RawEntry, budget: Budget): AdmittedEntry | undefined {
  const shown = JSON.stringify(entry.name);
  if (entry.kind === 'symlink' || entry.kind === 'hardlink') {
    throw new PackageError(
      'link',
      `package entry ${shown} is a ${entry.kind === 'symlink' ? 'symbolic' : 'hard'} link: links are not ` +
        'accepted in packages (pack the file itself instead)',
      entry.name,
    );
  }
  if (entry.kind === 'special') {
    throw new PackageError(
      'special',
      `package entry ${shown} is a ${entry.typeName}: only plain files and directories are accepted`,
      entry.name,
    );
  }
  const name = entry.name.replace(/^(?:\.\/)+/, '');
  if (entry.kind === 'directory' && /^\.?\/*$/.test(name)) return undefined;
  const safe = safeRelativePath(name);
  if (safe === undefined) {
    throw new PackageError(
      'traversal',
      `package entry ${shown} would land outside the series directory`,
      entry.name,
    );
  }
  const top = safe.split('/')[0]!;
  if (RESERVED_SERIES_NAMES.has(top)) {
    throw new PackageError(
      'reserved',
      `package entry ${shown} would replace Tuplet's own ${top}`,
      entry.name,
    );
  }
  budget.add(entry.name, entry.size);
  const directory = entry.kind === 'directory';
  const bits = entry.mode & 0o755;
  return {
    path: safe,
    type: directory ? 'Directory' : 'File',
    size: directory ? 0 : entry.size,
    mode: directory ? (bits || 0o755) | 0o700 : (bits || 0o644) | 0o600,
  };
}
