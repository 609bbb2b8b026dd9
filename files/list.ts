// Listing what a series' storage holds under one folder (a run's directory, the post-processing
// outputs): every regular file, never following a link out.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every regular file below `dir`, as paths relative to it with forward slashes; none when it is absent. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    },
  );
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
