// Loading a series and its host from the database, and moving the series between states.
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { hosts, series } from '../../db/schema.ts';
import type { HostSpec, SeriesSpec } from '../../hosts/executor.ts';
import { FINAL_SERIES_STATES, type SeriesState } from '../../core/states.ts';
import { notFound } from '../errors.ts';
import type { SeriesPlan } from './types.ts';

type HostRow = typeof hosts.$inferSelect;

export function hostSpecOf(row: HostRow): HostSpec {
  const spec: HostSpec = { name: row.name, kind: row.kind, workdir: row.workdir };
  if (row.address !== null) spec.address = row.address;
  if (row.port !== null) spec.port = row.port;
  if (row.user !== null) spec.user = row.user;
  if (row.identityFile !== null) spec.identityFile = row.identityFile;
  if (row.knownHostsFile !== null) spec.knownHostsFile = row.knownHostsFile;
  if (row.slots !== null) spec.slots = row.slots;
  if (row.gpus !== null) spec.gpus = row.gpus;
  if (row.partition !== null) spec.partition = row.partition;
  if (row.arrayThrottle !== null) spec.arrayThrottle = row.arrayThrottle;
  if (Object.keys(row.env).length > 0) spec.env = row.env;
  if (row.runUser !== null) spec.runUser = row.runUser;
  return spec;
}

export async function loadSeriesPlan(db: Database, seriesId: string, maxTuples: number): Promise<SeriesPlan> {
  const [row] = await db.select().from(series).where(eq(series.id, seriesId));
  if (!row) throw notFound(`series ${seriesId}`);
  const [hostRow] = await db.select().from(hosts).where(eq(hosts.name, row.host));
  if (!hostRow) throw notFound(`host ${row.host} of series ${seriesId}`);
  const app = row.applicationSnapshot;
  const spec: SeriesSpec = {
    seriesId,
    ini: row.ini,
    configFile: app.configFile,
    command: app.command,
    resources: row.resources,
    count: row.count,
    maxTuples: Math.max(maxTuples, row.count),
  };
  if (app.setup) spec.setup = app.setup;
  if (app.collect && app.collect.length > 0) spec.collect = app.collect;
  if (row.packagePath) spec.packagePath = row.packagePath;
  if (app.env && Object.keys(app.env).length > 0) spec.env = app.env;
  if (app.input) spec.input = app.input;
  return { spec, host: hostSpecOf(hostRow), state: row.state, attempt: row.attempt, count: row.count };
}

export async function updateSeriesState(
  db: Database,
  seriesId: string,
  state: SeriesState,
  reason?: string,
): Promise<void> {
  const now = new Date();
  const final = FINAL_SERIES_STATES.includes(state);
  await db
    .update(series)
    .set({
      state,
      updatedAt: now,
      ...(reason !== undefined ? { reason } : {}),
      ...(state === 'running' ? { startedAt: sql`coalesce(${series.startedAt}, now())` } : {}),
      ...(final ? { finishedAt: now } : { finishedAt: null }),
    })
    .where(eq(series.id, seriesId));
}

/** The reason of a running series, set while its jobs are held: a final state's reason is never overwritten. */
export async function noteSeriesHeld(db: Database, seriesId: string, held: string | null): Promise<void> {
  const reason = held === null ? null : `waiting in the queue: ${held}`;
  await db
    .update(series)
    .set({ reason, updatedAt: new Date() })
    .where(and(eq(series.id, seriesId), eq(series.state, 'running')));
}
