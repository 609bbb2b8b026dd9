// Where a requested file of a series really is, for every reader: the API's file and
// archive routes, the web UI's file route, previews and output tails. Requested paths come
// from URLs and from the database, and the files are what runs left behind — which may be
// links (to /etc/passwd, to another series). So a path is first checked as text, then
// resolved with realpath, and the real file must lie inside the real series directory and
// be a regular file; it is opened without following a link and without blocking on a FIFO.
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { badRequest, notFound } from '../api/errors.ts';
import { hasControlCharacters } from '../api/schemas.ts';

/** Splits a user-supplied relative path; refuses `..`, absolute paths and odd characters. */
export function safeRelativePath(raw: string): string[] {
  if (raw === '') throw badRequest('path: empty');
  if (raw.startsWith('/') || raw.startsWith('\\') || /^[A-Za-z]:/.test(raw)) {
    throw badRequest('path: absolute paths are not allowed');
  }
  const segments = raw.split('/');
  for (const segment of segments) {
    if (segment === '..') throw badRequest('path: `..` is not allowed');
    if (segment === '' || segment === '.') throw badRequest('path: empty or `.` segments are not allowed');
    if (hasControlCharacters(segment) || segment.includes('\\'))
      throw badRequest('path: control characters and `\\` are not allowed');
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
  if (!match || match.index !== 0) throw badRequest('path: missing');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.slice(match[0].length));
  } catch {
    throw badRequest('path: malformed percent-encoding');
  }
  return safeRelativePath(decoded);
}

function isInside(parent: string, child: string): boolean {
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
 * Throws a 400 when the path, or a link on it, leads outside `root`, and a 404 when there is
 * no regular file there.
 */
export async function openStoredFile(root: string, base: string, segments: string[]): Promise<StoredFile> {
  const shown = segments.join('/');
  const candidate = path.join(base, ...segments);
  if (!isInside(root, candidate)) throw badRequest(`path '${shown}' leads outside the series directory`);
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(candidate), realpath(root)]);
  } catch {
    throw notFound(`file '${shown}'`);
  }
  if (!isInside(realRoot, real)) {
    throw badRequest(`path '${shown}' leads outside the series directory (through a link)`);
  }
  let handle: FileHandle;
  try {
    // No link may be swapped in at the last step, and a FIFO must not hold a thread waiting for a writer.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    throw notFound(`file '${shown}'`);
  }
  const info = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!info.isFile()) {
    await handle.close();
    throw notFound(`file '${shown}'`);
  }
  return { path: real, size: info.size, handle };
}
