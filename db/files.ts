// The files of a series: what the file index holds (path, size, sha256 of every file a run
// brought back, and the series' own files) and the series archive recorded on its row.
// Paths are relative to the series storage directory, always with forward slashes.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { batches, jsonText } from './raw.ts';
import { files, series } from './schema.ts';

export interface FileEntry {
  /** Null for files of the series itself (the archive, tuples.tsv, setup log). */
  runIndex: number | null;
  path: string;
  size: number;
  sha256: string;
}

export type FileRow = Omit<FileEntry, 'runIndex'>;

/** Records files of a series (path relative to its storage); a path seen again is updated. */
export async function insertFiles(db: Database, seriesId: string, rows: readonly FileEntry[]): Promise<void> {
  // One statement may not update a row twice: the last entry of a path wins.
  const byPath = new Map(rows.map((r) => [r.path, r]));
  for (const batch of batches([...byPath.values()])) {
    await db.execute(sql`insert into files (series_id, run_index, path, size, sha256)
      select ${seriesId}, f."runIndex", f.path, f.size, f.sha256
      from jsonb_to_recordset(${jsonText(batch)}::jsonb) as f("runIndex" int, path text, size bigint, sha256 text)
      on conflict (series_id, path) do update
        set run_index = excluded.run_index, size = excluded.size, sha256 = excluded.sha256`);
  }
}

/** The indexed files of one run by path, at most `limit` of them (all when undefined). */
export async function runFiles(
  db: Database,
  seriesId: string,
  index: number,
  limit?: number,
): Promise<FileRow[]> {
  const query = db
    .select({ path: files.path, size: files.size, sha256: files.sha256 })
    .from(files)
    .where(and(eq(files.seriesId, seriesId), eq(files.runIndex, index)))
    .orderBy(asc(files.path));
  return limit === undefined ? query : query.limit(limit);
}

/** Records the series archive (rebuilt on reruns) on the series' row. */
export async function recordSeriesArchive(
  db: Database,
  seriesId: string,
  archive: { path: string; size: number; sha256: string },
): Promise<void> {
  await db
    .update(series)
    .set({
      archivePath: archive.path,
      archiveSize: archive.size,
      archiveSha256: archive.sha256,
      updatedAt: new Date(),
    })
    .where(eq(series.id, seriesId));
}
