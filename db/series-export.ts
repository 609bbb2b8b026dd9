// What a series archive (api/exports/archive-write.ts) reads besides the series row and its
// runs (db/runs.ts allRuns): the file index of its runs, a batch at a time in path order.
import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import type { Database } from './client.ts';
import type { FileEntry } from './files.ts';
import { files } from './schema.ts';

/** Every indexed file of the series' runs (not its own files), in path order, in batches. */
export async function* runFileIndex(
  db: Database,
  seriesId: string,
  batch = 5000,
): AsyncGenerator<Array<FileEntry & { runIndex: number }>> {
  let after = '';
  for (;;) {
    const rows = await db
      .select({ runIndex: files.runIndex, path: files.path, size: files.size, sha256: files.sha256 })
      .from(files)
      .where(and(eq(files.seriesId, seriesId), isNotNull(files.runIndex), gt(files.path, after)))
      .orderBy(asc(files.path))
      .limit(batch);
    if (rows.length === 0) return;
    yield rows.map((r) => ({ ...r, runIndex: r.runIndex! }));
    after = rows.at(-1)!.path;
  }
}
