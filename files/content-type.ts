// The one table of content types for files runs wrote. Only kinds a browser shows without
// running anything go out inline; everything else is an `application/octet-stream`
// attachment. That keeps every output from becoming a page, a script or a stylesheet of our
// origin: with `nosniff`, a browser runs neither octet-stream nor text/plain as a script, so
// even an HTML injection could not load a run's `.js` under our `script-src 'self'`.
import path from 'node:path';

export interface ServedType {
  type: string;
  /** False: sent as an attachment (downloaded, never rendered by the browser). */
  inline: boolean;
}

const TEXT = 'text/plain; charset=utf-8';

const INLINE: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  // An SVG document can hold script: the sandboxing CSP every served file carries keeps it inert.
  svg: 'image/svg+xml',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  ...Object.fromEntries(
    [
      'txt',
      'log',
      'ini',
      'cfg',
      'conf',
      'out',
      'err',
      'tsv',
      'dat',
      'md',
      'py',
      'sh',
      'c',
      'h',
      'toml',
      'yaml',
      'yml',
    ].map((ext) => [ext, TEXT]),
  ),
};

const DOWNLOAD: ServedType = { type: 'application/octet-stream', inline: false };

/** How a run's file is served, by extension; run outputs without one (stdout, stderr) are text. */
export function servedTypeOf(name: string): ServedType {
  const base = path.basename(name);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return { type: TEXT, inline: true }; // no extension, or a dot file
  const type = INLINE[base.slice(dot + 1).toLowerCase()];
  return type ? { type, inline: true } : DOWNLOAD;
}

/** True for the kinds shown as pictures on the run page. */
export function isImage(name: string): boolean {
  return servedTypeOf(name).type.startsWith('image/');
}
