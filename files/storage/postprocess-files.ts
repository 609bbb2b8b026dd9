// What the post-processing step left in a series' storage (disk or S3): the files of its
// `postprocess/` folder and its output's tail, for the API and the series page alike.
import { postprocessLogKey, postprocessPrefix } from './layout.ts';
import { readLogTail } from './slice.ts';
import type { Storage } from './types.ts';

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
export function readPostprocessLog(storage: Storage, seriesId: string): Promise<string | null> {
  return readLogTail(storage, postprocessLogKey(seriesId));
}
