// A series' stored file opened for reads by range (what netcdf-data.ts and hdf5.ts read
// from), through the same confinement as downloads and previews (files/confine.ts): a link a
// run left behind is refused, and only a regular file opens.
import path from 'node:path';
import { openStoredFile, safeRelativePath } from '../../files/confine.ts';
import type { RandomAccess } from './netcdf-data.ts';
import { NetCdfError } from './netcdf.ts';

export interface OpenedFile extends RandomAccess {
  close(): Promise<void>;
}

/** Opens `<storageDir>/<seriesId>/<relative>`; throws core's NotFoundError / InvalidRequestError as openStoredFile does. */
export async function openSeriesFile(
  storageDir: string,
  seriesId: string,
  relative: string,
): Promise<OpenedFile> {
  const root = path.join(storageDir, seriesId);
  const file = await openStoredFile(root, root, safeRelativePath(relative));
  return {
    size: file.size,
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
        throw new NetCdfError(`invalid read of ${length} bytes at byte ${offset}`);
      if (offset + length > file.size)
        throw new NetCdfError(
          `bytes ${offset}–${offset + length} lie past the end of the file (${file.size} bytes)`,
        );
      const bytes = Buffer.alloc(length);
      const { bytesRead } = await file.handle.read(bytes, 0, length, offset);
      // The file shrank since it was opened: a run still writing it, or a swap.
      if (bytesRead < length)
        throw new NetCdfError(
          `the file ended at byte ${offset + bytesRead}, before byte ${offset + length}`,
          true,
        );
      return bytes;
    },
    close: () => file.handle.close(),
  };
}
