// A series' stored file opened for reads by range (what netcdf-data.ts and hdf5.ts read from),
// on disk or in S3 alike: each read is a ranged `get` of the storage (files/storage/), which
// checks the key and, on disk, confines it to the series' folder as downloads and previews are
// (a link a run left behind is refused, only a regular file opens). A read holds at most the
// bytes asked for, and the readers bound those (MAX_READ_BYTES, HDF5_MAX_BYTES).
import { storageOf, type Storage } from '../../files/storage/index.ts';
import { seriesFileKey } from '../../files/storage/layout.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { RandomAccess } from './netcdf-data.ts';
import { NetCdfError } from './netcdf.ts';

export interface OpenedFile extends RandomAccess {
  close(): Promise<void>;
}

/** Opens the object `<seriesId>/<relative>`; throws core's NotFoundError / InvalidRequestError as storage does. */
export async function openSeriesFile(
  storage: Storage | string,
  seriesId: string,
  relative: string,
): Promise<OpenedFile> {
  const store = typeof storage === 'string' ? storageOf({ storageDir: storage }) : storage;
  const key = seriesFileKey(seriesId, relative);
  const info = await store.head(key);
  if (!info) throw new NotFoundError(`file '${relative}'`);
  const { size } = info;
  return {
    size,
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
        throw new NetCdfError(`invalid read of ${length} bytes at byte ${offset}`);
      if (offset + length > size)
        throw new NetCdfError(
          `bytes ${offset}–${offset + length} lie past the end of the file (${size} bytes)`,
        );
      if (length === 0) return new Uint8Array(0);
      const object = await store.get(key, { start: offset, end: offset + length - 1 });
      const bytes = Buffer.alloc(length);
      let filled = 0;
      for await (const chunk of object.body as AsyncIterable<Buffer>) {
        // The object grew since it was opened (a run still writing it, or a swap).
        if (filled + chunk.length > length) {
          object.body.destroy();
          throw new NetCdfError(`the file changed while it was read (byte ${offset + filled})`, true);
        }
        chunk.copy(bytes, filled);
        filled += chunk.length;
      }
      if (object.size !== size || filled < length)
        throw new NetCdfError(
          `the file ended at byte ${offset + filled}, before byte ${offset + length}`,
          true,
        );
      return bytes;
    },
    close: async () => {},
  };
}
