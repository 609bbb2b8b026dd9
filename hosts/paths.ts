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

/** Whether a symlink at `entryPath` pointing at `target` stays inside the archive's root. */
export function linkStaysInside(entryPath: string, target: string): boolean {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return false;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(entryPath), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

/** A series id or file name usable as one path component on any host. */
export function isSafeComponent(name: string): boolean {
  return (
    /^[A-Za-z0-9._=+,@-]+$/.test(name) && name !== '.' && name !== '..' && Buffer.byteLength(name) <= 255
  );
}
