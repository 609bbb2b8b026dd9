// Reading the beginning or end of a collected output (`<storageDir>/<seriesId>/<path>`) for
// previews and output tails. Paths come from the database, files from runs: both go through
// the same confinement as downloads (files/confine.ts), so a link a run left behind is
// refused here too instead of being followed.
import path from 'node:path';
import { InvalidRequestError, NotFoundError } from '../../core/errors.ts';
import { openStoredFile, safeRelativePath } from '../../files/confine.ts';

export interface Slice {
  bytes: Buffer;
  size: number;
  /** True when the file is larger than what was read. */
  partial: boolean;
}

/** Why a stored path may not be read (it leads outside the series, or is not a plain path). */
export interface Refused {
  refused: string;
}

/**
 * The first `max` bytes of a series' file (or the last, with `fromEnd`); undefined when there
 * is no such regular file (not collected yet).
 */
export async function readSeriesSlice(
  storageDir: string,
  seriesId: string,
  relative: string,
  max: number,
  fromEnd = false,
): Promise<Slice | Refused | undefined> {
  const root = path.join(storageDir, seriesId);
  let file;
  try {
    file = await openStoredFile(root, root, safeRelativePath(relative));
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    if (error instanceof InvalidRequestError) return { refused: error.message };
    throw error;
  }
  try {
    const length = Math.min(max, file.size);
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await file.handle.read(bytes, 0, length, fromEnd ? file.size - length : 0);
    return { bytes: bytes.subarray(0, bytesRead), size: file.size, partial: file.size > bytesRead };
  } finally {
    await file.handle.close();
  }
}

export function isRefused(read: Slice | Refused | undefined): read is Refused {
  return read !== undefined && 'refused' in read;
}
