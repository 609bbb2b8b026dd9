// A size limit on request bodies, enforced while the body is read. Unlike hono/body-limit it
// does not take a Content-Length header at its word: a declared length above the limit is
// refused before reading, but the bytes are counted whatever was declared (a client, or a
// proxy speaking HTTP/2, may send more than it announced) — reading stops at the first byte
// over the limit. The body is kept (at most `maxBytes`) for the handlers downstream.
import type { Context, MiddlewareHandler } from 'hono';

export function limitBody(options: {
  maxBytes: number;
  /** The answer to a body that is too large: a thrown error or a response. */
  tooLarge: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
  const { maxBytes, tooLarge } = options;
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(c);

    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return tooLarge(c);
      }
      chunks.push(value);
    }
    const headers = new Headers(c.req.raw.headers);
    headers.delete('transfer-encoding');
    headers.set('content-length', String(size));
    c.req.raw = new Request(c.req.raw, { headers, body: Buffer.concat(chunks, size) });
    return next();
  };
}
