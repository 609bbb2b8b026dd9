// HTTP's Range header (RFC 9110 §14) for one byte range, as downloads and media players send
// it: `bytes=START-END`, `bytes=START-`, `bytes=-LENGTH` (the last LENGTH bytes). Several
// ranges at once (multipart answers) are not served. A malformed header is refused, naming it,
// rather than silently answered whole: a client that asked for part of a file and got all of
// it would misplace the bytes.
import { InvalidRequestError } from '../../core/errors.ts';

export type RangeRequest =
  | { kind: 'range'; start: number; end: number }
  /** Syntactically fine but past the object's end (HTTP 416). */
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(?:(\d{1,15})-(\d{0,15})|-(\d{1,15}))$/;

/** The byte range `header` asks of an object of `size` bytes, its end clamped to the last byte. */
export function parseRangeHeader(header: string, size: number): RangeRequest {
  const match = SINGLE.exec(header.trim());
  if (!match)
    throw new InvalidRequestError(
      `Range header ${JSON.stringify(header.slice(0, 100))}: expected one range, bytes=START-END, bytes=START- or bytes=-LENGTH`,
    );
  const [, first, last, suffix] = match;
  if (suffix !== undefined) {
    const length = Number(suffix);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' || last === undefined ? undefined : Number(last);
  if (end !== undefined && end < start)
    throw new InvalidRequestError(`Range header ${JSON.stringify(header)}: the range ends before it starts`);
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end: Math.min(end ?? size - 1, size - 1) };
}
