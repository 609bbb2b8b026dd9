// A synthetic finished series of up to millions of runs for the results benches (bench/results.ts,
// bench/web.ts), written by set-based
// INSERT … SELECT over generate_series: the runs go through the same triggers (migration 0006)
// as any write, but without a million rows of JSON through the driver (seeding 1,000,000 runs
// row batch by row batch took 922 s in PGlite).
//
// Three varied parameters a × b × c (c fastest) and two metrics, both numbers:
//   period = (7a + 3b + index mod 13) / 10,  energy = index mod 1000.
import { and, count as countRows, eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { newId } from './ids.ts';
import { analyzeResults } from './results.ts';
import { runs, series } from './schema.ts';

export const RESULTS_PARAMETERS = ['model.a', 'model.b', 'model.c'] as const;
export const RESULTS_METRICS = ['period', 'energy'] as const;

/** About `n` runs: side × side × (n / side²), side the cube root of n. */
function shapeOf(n: number) {
  const side = Math.max(1, Math.round(Math.cbrt(n)));
  const depth = Math.max(1, Math.round(n / side / side));
  const count = side * side * depth;
  return { side, depth, count, description: `results bench: ${count} runs` };
}

/**
 * A series seedResultsSeries finished for about `n` runs, if the database holds one (a bench's
 * kept data directory): seeding 1,000,000 runs takes many minutes, measuring it seconds.
 */
export async function findResultsSeries(
  db: Database,
  n: number,
): Promise<{ id: string; count: number } | undefined> {
  const { count, description } = shapeOf(n);
  const [row] = await db
    .select({ id: series.id })
    .from(series)
    .where(and(eq(series.description, description), eq(series.state, 'completed')))
    .limit(1);
  return row && { id: row.id, count };
}

/** A series of this owner and INI whose runs are all recorded (a bench's kept database), if any. */
export async function findFullSeries(
  db: Database,
  ownerId: string,
  ini: string,
): Promise<{ id: string; count: number } | undefined> {
  const [row] = await db
    .select({ id: series.id, count: series.count })
    .from(series)
    .where(and(eq(series.ownerId, ownerId), eq(series.ini, ini)))
    .limit(1);
  if (!row) return undefined;
  const [recorded] = await db.select({ n: countRows() }).from(runs).where(eq(runs.seriesId, row.id));
  return Number(recorded?.n) === row.count ? row : undefined;
}

/** A finished series of about `n` runs (shapeOf), its runs written set-based. */
export async function seedResultsSeries(
  db: Database,
  owner: { ownerId: string; application: string },
  n: number,
): Promise<{ id: string; count: number }> {
  const { ownerId, application } = owner;
  const { side, depth, count, description } = shapeOf(n);
  const ini = `[model]\na = 1...1...${side}\nb = 1...1...${side}\nc = 1...1...${depth}\n`;
  const id = newId();
  await db.insert(series).values({
    id,
    ownerId,
    application,
    applicationSnapshot: { name: application, command: 'true', configFile: 'config.ini' },
    host: 'local',
    ini,
    description,
    count,
    // Completed once every run is in (findResultsSeries skips one a killed seeding left behind).
    state: 'running',
    workflowId: `series-${id}`,
  });
  // In slices, so one statement's transition table (the triggers') stays a few hundred MB at most.
  const slice = 100_000;
  for (let start = 0; start < count; start += slice) {
    const end = Math.min(count, start + slice) - 1;
    await db.execute(sql`
      insert into runs (series_id, index, dir, params, state, exit_code, started_at, ended_at, metrics)
      select ${id}, t.i, 'model.a=' || t.a || '_model.b=' || t.b || '_model.c=' || t.c,
        jsonb_build_object('model.a', t.a::text, 'model.b', t.b::text, 'model.c', t.c::text),
        'succeeded', 0, now() - interval '1 minute', now(),
        jsonb_build_object('period', (7 * t.a + 3 * t.b + t.i % 13) / 10.0, 'energy', t.i % 1000)
      from (
        select i, i / (${side * depth}) + 1 as a, (i / ${depth}) % ${side} + 1 as b, i % ${depth} + 1 as c
        from generate_series(${start}::int, ${end}::int) as i
      ) t`);
  }
  // As staging does after creating a series' runs (activities/control/runs.ts createRunRows).
  await analyzeResults(db);
  await db.update(series).set({ state: 'completed' }).where(eq(series.id, id));
  return { id, count };
}
