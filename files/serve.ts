// The one HTTP answer for a stored file, used by the API (run files, archives) and the web
// UI (run files, previews' images), from disk or S3 (files/storage/), with Range requests.
// What a run wrote is untrusted: its key is checked (storage/keys.ts; on disk, confined by
// realpath to its series, confine.ts), typed from one table (content-type.ts), and sent with a sandboxing
// CSP, so that even an HTML or SVG output opened directly cannot run script in our origin.
import { Readable } from 'node:stream';
import { InvalidRequestError, NotFoundError } from '../core/errors.ts';
import { servedTypeOf } from './content-type.ts';
import { parseRangeHeader } from './storage/range-header.ts';
import type { ByteRange, Storage } from './storage/types.ts';

/** No script, no plugin, no form, an opaque origin; images and inline styles only for SVG and the like. */
export const STORED_FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

export interface ServeOptions {
  /** A content type other than the table's (e.g. a series archive); always an attachment. */
  type?: string;
  /** The download's file name (default: the file's own). */
  downloadName?: string;
}

/** `attachment` with an ASCII fallback name and the exact one in RFC 5987 form. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Answers the stored object `key` (400 for a bad key or Range header, 404 when absent, as
 * core errors), whole or, for a `Range` header, the one range asked (206 with Content-Range;
 * 416 when it lies past the end). The same for disk and S3: the body streams from storage.
 */
export async function serveStoredObject(
  storage: Storage,
  key: string,
  rangeHeader: string | undefined,
  options: ServeOptions = {},
): Promise<Response> {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const served = options.type ? { type: options.type, inline: false } : servedTypeOf(name);
  const headers = new Headers({
    'Content-Type': served.type,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': STORED_FILE_CSP,
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'private, max-age=60',
    'Accept-Ranges': 'bytes',
  });
  if (!served.inline) headers.set('Content-Disposition', attachmentHeader(options.downloadName ?? name));

  let range: ByteRange | undefined;
  if (rangeHeader !== undefined) {
    const info = await storage.head(key);
    if (!info) throw new NotFoundError(`file '${name}'`);
    const asked = parseRangeHeader(rangeHeader, info.size);
    if (asked.kind === 'unsatisfiable') return unsatisfiable(rangeHeader, info.size);
    range = { start: asked.start, end: asked.end };
  }
  let object;
  try {
    object = await storage.get(key, range);
  } catch (error) {
    // Replaced by a shorter object between head and get.
    if (range && error instanceof InvalidRequestError) return unsatisfiable(rangeHeader!, 0);
    throw error;
  }
  const length = object.end - object.start + 1;
  headers.set('Content-Length', String(length));
  if (range) headers.set('Content-Range', `bytes ${object.start}-${object.end}/${object.size}`);
  if (length === 0) {
    object.body.destroy();
    return new Response(null, { status: 200, headers });
  }
  const body = Readable.toWeb(object.body) as ReadableStream<Uint8Array>;
  return new Response(body, { status: range ? 206 : 200, headers });
}

function unsatisfiable(header: string, size: number): Response {
  const message = `Range header ${JSON.stringify(header.slice(0, 100))}: past the end (${size} bytes)`;
  return Response.json(
    { error: { code: 'range_not_satisfiable', message } },
    { status: 416, headers: { 'Content-Range': `bytes */${size}`, 'X-Content-Type-Options': 'nosniff' } },
  );
}
