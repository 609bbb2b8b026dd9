// The one HTTP answer for a stored file, used by the API (run files, archives) and the web
// UI (run files, previews' images). What a run wrote is untrusted: it is confined by
// realpath (confine.ts), typed from one table (content-type.ts), and sent with a sandboxing
// CSP, so that even an HTML or SVG output opened directly cannot run script in our origin.
import { Readable } from 'node:stream';
import { openStoredFile } from './confine.ts';
import { servedTypeOf } from './content-type.ts';

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

/** Opens `segments` under `base`, confined to `root`, and answers it (400/404 as ApiError). */
export async function serveStoredFile(
  root: string,
  base: string,
  segments: string[],
  options: ServeOptions = {},
): Promise<Response> {
  const file = await openStoredFile(root, base, segments);
  const served = options.type ? { type: options.type, inline: false } : servedTypeOf(file.path);
  const headers = new Headers({
    'Content-Type': served.type,
    'Content-Length': String(file.size),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': STORED_FILE_CSP,
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'private, max-age=60',
  });
  if (!served.inline) {
    headers.set('Content-Disposition', attachmentHeader(options.downloadName ?? segments.at(-1)!));
  }
  if (file.size === 0) {
    await file.handle.close();
    return new Response(null, { status: 200, headers });
  }
  // Never more than the size announced, should the file grow meanwhile; the stream closes the handle.
  const body = Readable.toWeb(
    file.handle.createReadStream({ end: file.size - 1 }),
  ) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}
