// Seeded data for the web UI tests and the web benchmark: series, runs and collected files
// written straight into the database and the storage directory, as the workflows would.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../../db/client.ts';
import { applications, files, hosts, runs, series } from '../../../db/schema.ts';
import { parseSweep, tuplesInRange } from '../../../sweep/index.ts';
import type { RunState, SeriesState } from '../../../core/states.ts';
import { png } from './png.ts';

export const SEEDED_APPLICATION = 'spiral';

export async function seedHostAndApplication(db: Database, workdir: string): Promise<void> {
  await db
    .insert(hosts)
    .values({ name: 'local', kind: 'local', workdir, slots: 2, description: 'This machine' })
    .onConflictDoNothing();
  await db
    .insert(applications)
    .values({
      name: SEEDED_APPLICATION,
      command: 'python3 spiral.py',
      configFile: 'config.ini',
      description: 'Spiral waves: writes spiral.png and metrics.json',
    })
    .onConflictDoNothing();
}

export interface SeedSeriesOptions {
  ownerId: string;
  ini: string;
  description: string;
  state: SeriesState;
  tags?: string[];
  /** State of run i; default succeeded. */
  runState?: (index: number) => RunState;
  metrics?: (values: Record<string, string>, index: number) => Record<string, unknown> | null;
  createdAt?: Date;
}

/** Inserts a series and all its runs (in batches), like the staging activity does. */
export async function seedSeries(
  db: Database,
  options: SeedSeriesOptions,
): Promise<{ id: string; count: number }> {
  const sweep = parseSweep(options.ini, { maxTuples: 10_000_000 });
  const count = Number(sweep.count);
  const id = randomUUID().replace(/-/g, '').slice(0, 16);
  await db.insert(series).values({
    id,
    ownerId: options.ownerId,
    application: SEEDED_APPLICATION,
    applicationSnapshot: { name: SEEDED_APPLICATION, command: 'python3 spiral.py', configFile: 'config.ini' },
    host: 'local',
    ini: options.ini,
    description: options.description,
    tags: options.tags ?? [],
    count,
    state: options.state,
    workflowId: `series-${id}`,
    ...(options.createdAt ? { createdAt: options.createdAt } : {}),
  });
  const started = new Date(Date.now() - 60_000);
  const BATCH = 2000;
  for (let start = 0; start < count; start += BATCH) {
    const rows = [...tuplesInRange(sweep, start, Math.min(count, start + BATCH))].map((t) => {
      const index = Number(t.index);
      const state = options.runState?.(index) ?? 'succeeded';
      const done = state === 'succeeded' || state === 'failed';
      return {
        seriesId: id,
        index,
        dir: t.dir,
        params: t.values,
        state,
        exitCode: state === 'succeeded' ? 0 : state === 'failed' ? 1 : null,
        startedAt: state === 'pending' || state === 'queued' ? null : started,
        endedAt: done ? new Date(started.getTime() + 1000 + (index % 50) * 100) : null,
        metrics: done ? (options.metrics?.(t.values, index) ?? null) : null,
      };
    });
    await db.insert(runs).values(rows);
  }
  return { id, count };
}

/** Output files of one run, in the storage and in the files index, as collection leaves them. */
export async function seedRunFiles(
  db: Database,
  storageDir: string,
  seriesId: string,
  index: number,
  dir: string,
  extra: { csv?: boolean; netcdf?: string; text?: boolean } = {},
): Promise<void> {
  const runDir = path.join(storageDir, seriesId, 'runs', dir);
  await mkdir(path.join(runDir, '.tuplet'), { recursive: true });
  const written: Array<[string, Buffer]> = [];
  const put = async (name: string, body: Buffer) => {
    await writeFile(path.join(runDir, name), body);
    written.push([name, body]);
  };
  const hue = (index * 47) % 256;
  await put(
    'spiral.png',
    png(96, 96, (x, y) => {
      const r = Math.hypot(x - 48, y - 48);
      const a = Math.atan2(y - 48, x - 48);
      const v = (Math.sin(r / 4 - a * 2) + 1) / 2;
      return [Math.round(v * 255), hue, Math.round((1 - v) * 255)];
    }),
  );
  await put(
    'metrics.json',
    Buffer.from(JSON.stringify({ energy: index * 1.5, wave_speed: 0.3 + index / 100 })),
  );
  await put('.tuplet/stdout', Buffer.from(`step 1\nstep 2\nrun ${index} done\n`));
  await put('.tuplet/stderr', Buffer.from(''));
  if (extra.csv) {
    const lines = ['time,u,v'];
    for (let t = 0; t < 60; t++)
      lines.push(`${t},${Math.sin(t / 6).toFixed(4)},${Math.cos(t / 9).toFixed(4)}`);
    await put('trace.csv', Buffer.from(lines.join('\n') + '\n'));
  }
  if (extra.text) await put('notes.log', Buffer.from('solver converged after 42 iterations\n'));
  if (extra.netcdf) {
    await copyFile(extra.netcdf, path.join(runDir, 'field.nc'));
    written.push(['field.nc', await readFile(extra.netcdf)]);
  }
  await db
    .insert(files)
    .values(
      written.map(([name, body]) => ({
        seriesId,
        runIndex: index,
        path: `runs/${dir}/${name}`,
        size: body.length,
        sha256: '0'.repeat(64),
      })),
    )
    .onConflictDoNothing();
}
