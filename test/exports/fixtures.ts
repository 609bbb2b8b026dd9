// A finished series as the workflow leaves one — row, runs with states, exit codes, times and
// metrics, collected files in storage and their index — written straight into the database
// and the storage directory, so the export tests need no host to run anything.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { seriesWorkflowId } from '../../core/naming.ts';
import type { SeriesState } from '../../core/states.ts';
import type { Database } from '../../db/client.ts';
import { insertFiles, type FileEntry } from '../../db/files.ts';
import { newId } from '../../db/ids.ts';
import { insertFinishedRuns, type FinishedRun } from '../../db/series-import.ts';
import { insertSeries } from '../../db/series.ts';

export interface SeededFile {
  run: number;
  /** Relative to the run directory. */
  name: string;
  content: Buffer;
}

export interface SeedOptions {
  ownerId: string;
  ini: string;
  runs: FinishedRun[];
  files?: SeededFile[];
  state?: SeriesState;
  command?: string;
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export async function seedFinishedSeries(
  db: Database,
  storageDir: string,
  options: SeedOptions,
): Promise<string> {
  const id = newId();
  await insertSeries(db, {
    id,
    ownerId: options.ownerId,
    application: 'echo',
    applicationSnapshot: {
      name: 'echo',
      command: options.command ?? 'cat config.ini',
      configFile: 'config.ini',
    },
    host: 'local',
    ini: options.ini,
    resources: { cpus: 2 },
    description: 'seeded for the export tests',
    tags: ['export', 'test'],
    count: options.runs.length,
    state: options.state ?? 'completed_with_failures',
    workflowId: seriesWorkflowId(id),
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    finishedAt: new Date('2026-01-02T04:05:06.000Z'),
  });
  await insertFinishedRuns(db, id, options.runs);
  const entries: FileEntry[] = [];
  for (const file of options.files ?? []) {
    const run = options.runs.find((r) => r.index === file.run)!;
    const relative = `runs/${run.dir}/${file.name}`;
    const target = path.join(storageDir, id, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
    entries.push({
      runIndex: file.run,
      path: relative,
      size: file.content.length,
      sha256: sha256(file.content),
    });
  }
  await insertFiles(db, id, entries);
  return id;
}

/** A run as seedFinishedSeries takes it, with everything not given null. */
export function finishedRun(
  index: number,
  dir: string,
  params: Record<string, string>,
  more: Partial<FinishedRun> = {},
): FinishedRun {
  return {
    index,
    dir,
    params,
    state: 'succeeded',
    exitCode: 0,
    reason: null,
    attempt: 1,
    startedAt: null,
    endedAt: null,
    metrics: null,
    ...more,
  };
}
