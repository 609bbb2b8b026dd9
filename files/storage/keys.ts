// Keys come from URLs, from the database and from what runs wrote, so every backend checks
// them the same way before use: relative, `/`-separated, no `..`, no empty or `.` segment, no
// control character or `\` (files/confine.ts' rules). A key that passes cannot name anything
// outside the storage's root directory (disk) or its bucket prefix (S3).
import { InvalidRequestError } from '../../core/errors.ts';
import { safeRelativePath } from '../confine.ts';

/** The key's segments; InvalidRequestError naming the key when it could leave the storage. */
export function keySegments(key: string): string[] {
  try {
    return safeRelativePath(key);
  } catch (error) {
    if (error instanceof InvalidRequestError)
      throw new InvalidRequestError(
        `storage key ${JSON.stringify(key)}: ${error.message.replace(/^path: /, '')}`,
      );
    throw error;
  }
}

/** A folder prefix for list(): `''` (everything) or a key. */
export function prefixSegments(prefix: string): string[] {
  return prefix === '' ? [] : keySegments(prefix.replace(/\/$/, ''));
}

/** Checks a requested range against the object's size; answers the inclusive end. */
export function rangeEnd(key: string, size: number, range: { start: number; end?: number }): number {
  const { start, end } = range;
  if (
    !Number.isSafeInteger(start) ||
    start < 0 ||
    (end !== undefined && (!Number.isSafeInteger(end) || end < start))
  )
    throw new InvalidRequestError(`range ${start}-${end ?? ''} of ${key}: not a byte range`);
  if (start >= size)
    throw new InvalidRequestError(
      `range ${start}-${end ?? ''} of ${key}: starts past its end (${size} bytes)`,
    );
  return Math.min(end ?? size - 1, size - 1);
}
