// Path rules shared by staging and collecting: a path that comes from outside (an entry of
// an uploaded package, of a tar stream from a host, a series id) never leaves its directory.
import path from 'node:path';

/**
 * The normalised form of a relative `/`-separated path, or undefined when it is absolute,
 * empty, climbs out with `..`, or holds a NUL or a backslash.
 */
export function safeRelativePath(raw: string): string | undefined {
  if (raw === '' || raw.includes('\0') || raw.includes('\\')) return undefined;
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return undefined;
  const normal = path.posix.normalize(raw).replace(/\/+$/, '');
  if (normal === '' || normal === '.' || normal === '..' || normal.startsWith('../')) return undefined;
  return normal;
}

/**
 * What Tuplet itself writes at the top of a series directory (hosts/staging.ts): its scripts
 * and per-run state under `.tuplet/`, the run directories and the tuple index. Nothing that
 * comes from outside — a package entry above all — may create or replace these.
 */
export const TUPLET_DIR = '.tuplet';
export const RUNS_DIR = 'runs';
export const TUPLES_FILE = 'tuples.tsv';
export const RESERVED_SERIES_NAMES: ReadonlySet<string> = new Set([TUPLET_DIR, RUNS_DIR, TUPLES_FILE]);

/** A series id or file name usable as one path component on any host. */
export function isSafeComponent(name: string): boolean {
  return (
    /^[A-Za-z0-9._=+,@-]+$/.test(name) && name !== '.' && name !== '..' && Buffer.byteLength(name) <= 255
  );
}
