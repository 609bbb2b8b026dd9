// Headers that keep our pages ours: a Content-Security-Policy that lets only our own
// scripts run (the pages have no inline script, event handler or `javascript:` link) and
// forbids framing (clickjacking), plus nosniff, a referrer policy and their companions,
// through Hono's secureHeaders. A response that already carries its own policy keeps it:
// stored files are served with a stricter, sandboxing one (files/serve.ts).
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * The policy of every response that has none of its own. Inline `style` attributes are
 * allowed: the pages use them for layout, and the API reference page has a `<style>`
 * element; styles cannot run script.
 */
export const PAGE_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** `https` true when the service is reached over TLS (TUPLET_PUBLIC_URL): only then is HSTS sent. */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: PAGE_CSP,
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: options.https ? 'max-age=31536000' : false,
    // Keep what a handler set itself (the sandbox policy and disposition of stored files).
    overwrite: false,
  });
}
