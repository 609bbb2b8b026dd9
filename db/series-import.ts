// Recording an imported series (api/exports/archive-read.ts): its row, every run with the state,
// exit code, times and metrics it ended with, and its file index, in one transaction, so a
// refused or failed import leaves nothing behind.
import { sql } from 'drizzle-orm';
import type { RunState } from '../core/states.ts';
import type { Database } from './client.ts';
import { insertFiles, type FileEntry } from './files.ts';
import { batches, jsonText } from './raw.ts';
import { insertSeries, type NewSeriesRow } from './series.ts';

export interface FinishedRun {
  index: number;
  dir: string;
  params: Record<string, string>;
  state: RunState;
  exitCode: number | null;
  reason: string | null;
  attempt: number;
  startedAt: string | null;
  endedAt: string | null;
  metrics: Record<string, unknown> | null;
}

/** Inserts runs as they ended (not `pending`, as insertRuns does for runs about to run). */
export async function insertFinishedRuns(
  db: Database,
  seriesId: string,
  rows: readonly FinishedRun[],
): Promise<void> {
  for (const batch of batches(rows, 2000)) {
    await db.execute(sql`insert into runs
        (series_id, index, dir, params, state, exit_code, reason, attempt, started_at, ended_at, metrics)
      select ${seriesId}, r.index, r.dir, r.params, r.state, r."exitCode", r.reason, r.attempt,
        r."startedAt", r."endedAt", r.metrics
      from jsonb_to_recordset(${jsonText(batch)}::jsonb) as r(index int, dir text, params jsonb,
        state text, "exitCode" int, reason text, attempt int, "startedAt" timestamptz,
        "endedAt" timestamptz, metrics jsonb)`);
  }
}

export async function insertImportedSeries(
  db: Database,
  row: NewSeriesRow & { id: string },
  runs: readonly FinishedRun[],
  files: readonly FileEntry[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await insertSeries(tx, row);
    await insertFinishedRuns(tx, row.id, runs);
    await insertFiles(tx, row.id, files);
  });
}
