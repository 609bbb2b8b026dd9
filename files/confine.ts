// Where a requested file of a series really is, for every reader: the API's file and
// archive routes, the web UI's file route, previews and output tails. Requested paths come
// from URLs and from the database, and the files are what runs left behind — which may be
// links (to /etc/passwd, to another series). So a path is first checked as text, then
// resolved with realpath, and the real file must lie inside the real series directory and
// be a regular file; it is opened without following a link and without blocking on a FIFO.
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { InvalidRequestError, NotFoundError } from '../core/errors.ts';
import { hasControlCharacters } from '../core/text.ts';

/** Splits a user-supplied relative path; refuses `..`, absolute paths and odd characters. */
export function safeRelativePath(raw: string): string[] {
  if (raw === '') throw new InvalidRequestError('path: empty');
  if (raw.startsWith('/') || raw.startsWith('\\') || /^[A-Za-z]:/.test(raw)) {
    throw new InvalidRequestError('path: absolute paths are not allowed');
  }
  const segments = raw.split('/');
  for (const segment of segments) {
    if (segment === '..') throw new InvalidRequestError('path: `..` is not allowed');
    if (segment === '' || segment === '.')
      throw new InvalidRequestError('path: empty or `.` segments are not allowed');
    if (hasControlCharacters(segment) || segment.includes('\\'))
      throw new InvalidRequestError('path: control characters and `\\` are not allowed');
  }
  return segments;
}

/**
 * The relative path at the end of a URL, after the part `prefix` matches, decoded from the
 * raw URL: a `%2e%2e` or `%2f` must reach the checks as what it means, not slip past them.
 */
export function pathAfter(url: string, prefix: RegExp): string[] {
  const raw = new URL(url).pathname;
  const match = prefix.exec(raw);
  if (!match || match.index !== 0) throw new InvalidRequestError('path: missing');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.slice(match[0].length));
  } catch {
    throw new InvalidRequestError('path: malformed percent-encoding');
  }
  return safeRelativePath(decoded);
}

export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export interface StoredFile {
  /** The real path (no links left in it). */
  path: string;
  size: number;
  /** Open for reading; the caller closes it (a read stream made from it closes it at its end). */
  handle: FileHandle;
}

/**
 * Opens the file at `segments` under `base` (a directory inside `root`, or `root` itself).
 * Throws InvalidRequestError when the path, or a link on it, leads outside `root`, and
 * NotFoundError when there is no regular file there.
 */
export async function openStoredFile(root: string, base: string, segments: string[]): Promise<StoredFile> {
  const shown = segments.join('/');
  const candidate = path.join(base, ...segments);
  if (!isInside(root, candidate))
    throw new InvalidRequestError(`path '${shown}' leads outside the series directory`);
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(candidate), realpath(root)]);
  } catch {
    throw new NotFoundError(`file '${shown}'`);
  }
  if (!isInside(realRoot, real)) {
    throw new InvalidRequestError(`path '${shown}' leads outside the series directory (through a link)`);
  }
  let handle: FileHandle;
  try {
    // No link may be swapped in at the last step, and a FIFO must not hold a thread waiting for a writer.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    throw new NotFoundError(`file '${shown}'`);
  }
  const info = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!info.isFile()) {
    await handle.close();
    throw new NotFoundError(`file '${shown}'`);
  }
  return { path: real, size: info.size, handle };
}
