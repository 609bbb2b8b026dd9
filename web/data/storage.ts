// Reading the beginning or end of a collected output (`<seriesId>/<path>` in storage, disk or
// S3) for previews and output tails, by range: only what is shown is read. Paths come from the
// database, files from runs: both go through the same key checks as downloads (on disk, the
// confinement of files/confine.ts), so a link a run left behind is refused here too instead of
// being followed.
import { InvalidRequestError, NotFoundError } from '../../core/errors.ts';
import { safeRelativePath } from '../../files/confine.ts';
import { storageOf, type Storage } from '../../files/storage/index.ts';
import { seriesFileKey } from '../../files/storage/layout.ts';
import { readSlice, type Slice } from '../../files/storage/slice.ts';

export type { Slice };

/** Why a stored path may not be read (it leads outside the series, or is not a plain path). */
export interface Refused {
  refused: string;
}

/**
 * The first `max` bytes of a series' file (or the last, with `fromEnd`); undefined when there
 * is no such file (not collected yet). `storage`: a directory stands for the disk below it.
 */
export async function readSeriesSlice(
  storage: Storage | string,
  seriesId: string,
  relative: string,
  max: number,
  fromEnd = false,
): Promise<Slice | Refused | undefined> {
  const from = typeof storage === 'string' ? storageOf({ storageDir: storage }) : storage;
  try {
    const key = seriesFileKey(seriesId, safeRelativePath(relative).join('/'));
    return await readSlice(from, key, max, fromEnd);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    if (error instanceof InvalidRequestError) return { refused: error.message };
    throw error;
  }
}

export function isRefused(read: Slice | Refused | undefined): read is Refused {
  return read !== undefined && 'refused' in read;
}
