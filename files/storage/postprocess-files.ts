// What the post-processing step left in a series' storage (disk or S3): the files of its
// `postprocess/` folder and its output's tail, for the API and the series page alike.
import { NotFoundError } from '../../core/errors.ts';
import { postprocessLogKey, postprocessPrefix } from './layout.ts';
import { readSlice } from './slice.ts';
import type { Storage } from './types.ts';

/** The host stores the last 4000 bytes of output; anything longer was not written by us. */
const LOG_BYTES = 64 * 1024;

/** Files below `postprocess/` (paths relative to it), in path order. */
export async function listPostprocessFiles(
  storage: Storage,
  seriesId: string,
): Promise<Array<{ path: string; size: number }>> {
  const prefix = `${postprocessPrefix(seriesId)}/`;
  const files: Array<{ path: string; size: number }> = [];
  for await (const { key, size } of storage.list(prefix))
    files.push({ path: key.slice(prefix.length), size });
  return files;
}

/** The step's output tail, or null before it ran. */
export async function readPostprocessLog(storage: Storage, seriesId: string): Promise<string | null> {
  try {
    return (await readSlice(storage, postprocessLogKey(seriesId), LOG_BYTES, true)).bytes.toString('utf8');
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
