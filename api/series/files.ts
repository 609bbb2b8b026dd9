// Files of a run, served from the series storage `<storageDir>/<seriesId>/runs/<dir>/…`.
// A requested path is checked segment by segment and the resolved file must stay inside the
// series directory even through symbolic links.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { getMimeType } from 'hono/utils/mime';
import { badRequest, notFound } from '../errors.ts';
import { hasControlCharacters } from '../schemas.ts';

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

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The absolute path of a file under `base`, which must exist and stay inside `root`. */
export async function resolveStoredFile(
  root: string,
  base: string,
  segments: string[],
): Promise<{ file: string; size: number }> {
  const candidate = path.join(base, ...segments);
  if (!isInside(root, candidate)) throw badRequest('path: outside the series directory');
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(candidate), realpath(root)]);
  } catch {
    throw notFound(`file '${segments.join('/')}'`);
  }
  if (!isInside(realRoot, real)) throw badRequest('path: outside the series directory');
  const info = await stat(real);
  if (!info.isFile()) throw notFound(`file '${segments.join('/')}'`);
  return { file: real, size: info.size };
}

const TEXT_TYPES = new Set([
  'ini',
  'cfg',
  'conf',
  'log',
  'out',
  'err',
  'tsv',
  'dat',
  'py',
  'sh',
  'toml',
  'yaml',
  'yml',
  'md',
]);

/** Content type by extension; run outputs without one (stdout, stderr) are text. */
export function contentTypeOf(name: string): string {
  const base = path.basename(name);
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1).toLowerCase() : '';
  if (ext === '' || TEXT_TYPES.has(ext)) return 'text/plain; charset=utf-8';
  return getMimeType(base) ?? 'application/octet-stream';
}

/** A file response: outputs of user programs are never run as pages of our origin. */
export function fileResponse(
  file: string,
  size: number,
  contentType: string,
  downloadName?: string,
): Response {
  const headers = new Headers({
    'Content-Type': contentType,
    'Content-Length': String(size),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
  });
  if (downloadName)
    headers.set('Content-Disposition', `attachment; filename="${downloadName.replace(/["\\\r\n]/g, '_')}"`);
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}
