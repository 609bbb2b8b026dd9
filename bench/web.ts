// `npm run bench -- web [runs] [result runs] [--data-dir=DIR] [--postgres | --database-url=URL]
// [--samples=N] [--seed-only] [--only=PREFIX,…] [--compare=RUNS]`: the web UI over a series of 100,000 runs (default) and the results of a finished
// series of 1,000,000 runs (default; seeded set-based, db/synthetic-series.ts). p95 of the series
// page, of a deep runs page, of the parameter-map data, of every results query the page and the
// API offer (pages by index and by keyset cursor, sorted by a metric either way and by a
// parameter, numeric filters `>`, `<`, a range, `parameter = value`, a sort with a filter, the
// aggregates and the plots), each against a bare GET /healthz (database + Temporal round trip)
// measured in the same run, over HTTP. An aggregate's first request computes it (reported as
// `…_cold_s`), later ones read it kept (db/result-aggregates.ts). Prints one line per query
// (p95, /healthz p95, ratio), then the JSON line {"bench":"web", …, "ratio": the worst}.
//
// Seeding 1,000,000 runs takes many minutes, so the database can be kept: `--data-dir=DIR` keeps
// PGlite's files in DIR, `--database-url=URL` uses a PostgreSQL that outlives the bench; a later
// run with the same sizes measures the series found there. `--postgres` starts a throwaway
// PostgreSQL (test/support/postgres.ts), as bench scale does. On PGlite the pass of upkeep the
// stack would run within a minute (db/pglite-upkeep.ts: VACUUM and ANALYZE where due) runs once
// before the measurements; what it did and its seconds are printed (`upkeep`, `upkeep_s`).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import { loadConfig } from '../config.ts';
import { createSession, createUser, findUserByName } from '../db/accounts.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { runUpkeep } from '../db/pglite-upkeep.ts';
import { encodeResultsCursor } from '../db/results.ts';
import { findFullSeries, findResultsSeries, seedResultsSeries } from '../db/synthetic-series.ts';
import { createLogger } from '../log.ts';
import { connectClient } from '../temporal/connection.ts';
import { SEEDED_APPLICATION, seedHostAndApplication, seedSeries } from '../test/browser/support/seed.ts';
import { startPostgres, type PostgresServer } from '../test/support/postgres.ts';
import { startTemporal } from '../test/support/temporal.ts';

const args = process.argv.slice(2);
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const option = (name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) || undefined;
const RUNS = sizes[0] ?? 100_000;
const RESULT_RUNS = sizes[1] ?? 1_000_000;
const KEPT_DIR = option('data-dir');
const DATABASE_URL = option('database-url');
const START_POSTGRES = args.includes('--postgres');
/** Seed (or find) the series and stop: fills a kept database for later runs. */
const SEED_ONLY = args.includes('--seed-only');
const WARMUP = 5;
const SAMPLES = Number(option('samples') ?? 60);
/** Measure only the queries whose names start with one of these (`--only=plot_,results_tab`). */
const ONLY = option('only')?.split(',');
/** Also the comparison page of the results series with a results series of this many runs. */
const COMPARE_RUNS = option('compare') ? Number(option('compare')) : undefined;

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

/** The 100,000-run series: 100 × 100 × 10 runs; the map shows a × b (10,000 cells) at one c. */
function largeSeriesIni(): string {
  const side = Math.max(2, Math.round(Math.sqrt(RUNS / 10)));
  return `[grid]\na = 1...1...${side}\nb = 1...1...${side}\nc = 1...1...10\nsteps = 1000\n`;
}

async function seedLargeSeries(db: Database, ownerId: string, ini: string) {
  const states = ['succeeded', 'succeeded', 'succeeded', 'failed', 'running', 'pending'] as const;
  return seedSeries(db, {
    ownerId,
    ini,
    description: 'bench: a large series',
    state: 'running',
    runState: (i) => states[i % states.length]!,
    metrics: (v) => ({
      energy: Number(v['grid.a']) * Number(v['grid.b']),
      residual: 1 / Number(v['grid.c']),
    }),
  });
}

/** Seconds `fn` took, and its answer. */
async function clocked<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, (performance.now() - started) / 1000];
}

/** Every query the results page and API offer, and the plots, on the results series. */
function resultsRoutes(id: string, count: number): Record<string, string> {
  const api = `/api/v1/series/${id}/results`;
  const page = (query: Record<string, string>) =>
    `${api}?${new URLSearchParams({ limit: '50', ...query }).toString()}`;
  const mid = Math.floor(count / 2);
  // Keyset cursors deep in the series: by index, and in the middle of -period's numbers.
  const byIndex = encodeResultsCursor({ side: 'after', sort: 'index', key: [0, '0', '', mid] });
  const sorted = encodeResultsCursor({ side: 'after', sort: '-period', key: [0, '50', '', mid] });
  const plot = (query: Record<string, string>) =>
    `/series/${id}/results/plot.svg?${new URLSearchParams(query).toString()}`;
  return {
    results_first: page({}),
    results_next: page({ cursor: byIndex }),
    sorted_metric_desc: page({ sort: '-period' }),
    sorted_metric_asc: page({ sort: 'period' }),
    sorted_metric_next: page({ sort: '-period', cursor: sorted }),
    sorted_param: page({ sort: '-model.b' }),
    filter_gt: page({ filter: 'period > 5' }),
    filter_lt: page({ filter: 'period < 3' }),
    filter_range: page({ filter: 'period >= 4 and period < 6' }),
    filter_param: page({ filter: 'model.a = 3' }),
    sort_filter: page({ sort: 'energy', filter: 'model.b = 7' }),
    sort_filter_range: page({ sort: '-energy', filter: 'period > 5' }),
    aggregate: `${api}/aggregate?by=model.a&metric=period`,
    aggregate_two: `${api}/aggregate?by=model.a,model.b&metric=period`,
    results_tab: `/series/${id}/results`,
    results_tab_filtered: `/series/${id}/results?${new URLSearchParams({ filter: 'model.a = 3' }).toString()}`,
    plot_line: plot({ plot: 'line', metric: 'period', x: 'model.a', line: 'model.b' }),
    plot_heatmap: plot({ plot: 'heatmap', metric: 'period', x: 'model.a', y: 'model.b' }),
    plot_scatter: plot({ plot: 'scatter', mx: 'period', my: 'energy', color: 'model.c' }),
  };
}

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-bench-web-'));
  const temporal = await startTemporal();
  const config = loadConfig({
    TUPLET_DATA_DIR: dataDir,
    TUPLET_LOG_LEVEL: 'silent',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
  });
  const connection = await connectClient(config);
  let postgres: PostgresServer | undefined;
  if (START_POSTGRES) postgres = await startPostgres();
  const url = postgres?.url ?? DATABASE_URL;
  const handle = await openDatabase(url ? { url } : KEPT_DIR ? { dataDir: KEPT_DIR } : {});
  const { db } = handle;
  let server: ServerType | undefined;
  try {
    const user =
      (await findUserByName(db, 'bench')) ??
      (await createUser(db, { name: 'bench', password: 'bench-password-1', role: 'admin' }));
    await seedHostAndApplication(db, path.join(dataDir, 'work'));
    const ini = largeSeriesIni();
    const found = await findFullSeries(db, user.id, ini);
    const [seeded, seedSeconds] = found ? [found, 0] : await clocked(() => seedLargeSeries(db, user.id, ini));
    const foundResults = await findResultsSeries(db, RESULT_RUNS);
    const [results, resultsSeedSeconds] = foundResults
      ? [foundResults, 0]
      : await clocked(() =>
          seedResultsSeries(db, { ownerId: user.id, application: SEEDED_APPLICATION }, RESULT_RUNS),
        );
    const compared =
      COMPARE_RUNS &&
      ((await findResultsSeries(db, COMPARE_RUNS)) ??
        (await seedResultsSeries(db, { ownerId: user.id, application: SEEDED_APPLICATION }, COMPARE_RUNS)));
    // What the stack's upkeep does to a PGlite within a minute of the seeding (db/pglite-upkeep.ts).
    const [upkeep, upkeepSeconds] = handle.kind === 'pglite' ? await clocked(() => runUpkeep(db)) : [[], 0];
    if (SEED_ONLY) {
      console.log(
        JSON.stringify({
          seeded: [seeded, results],
          seed_s: seedSeconds,
          results_seed_s: resultsSeedSeconds,
          upkeep,
          upkeep_s: upkeepSeconds,
        }),
      );
      return;
    }
    const session = await createSession(db, user.id);

    const deps = {
      db,
      config,
      storageDir: path.join(dataDir, 'storage'),
      temporal: connection.client,
      logger: createLogger('silent'),
    };
    const app = createApp(deps);
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const { port } = server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const headers = { cookie: `tuplet_session=${session.sessionToken}` };

    /** p95 and p50 of SAMPLES requests after WARMUP, and the very first (cold) request. */
    async function measure(route: string): Promise<{ p95: number; p50: number; first: number }> {
      const samples: number[] = [];
      let first = 0;
      for (let i = 0; i < WARMUP + SAMPLES; i++) {
        const started = performance.now();
        const res = await fetch(`${base}${route}`, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${route}: HTTP ${res.status}`);
        const seconds = (performance.now() - started) / 1000;
        if (i === 0) first = seconds;
        if (i >= WARMUP) samples.push(seconds);
      }
      const sorted = [...samples].sort((a, b) => a - b);
      return { p95: p95(samples), p50: sorted[Math.floor(sorted.length / 2)]!, first };
    }

    const id = seeded.id;
    const routes = {
      series_page: `/series/${id}`,
      runs_page: `/series/${id}?from=${Math.floor(seeded.count / 2)}`,
      map_data: `/web-api/series/${id}/map?x=grid.a&y=grid.b&fix.grid.c=3&metric=energy`,
      ...resultsRoutes(results.id, results.count),
      ...(compared ? { compare_page: `/compare?a=${results.id}&b=${compared.id}` } : {}),
    };
    // Interleave the baseline with the pages so both see the same machine load; each query's
    // ratio is against the /healthz round measured just before it.
    const ours: Record<string, { p95: number; p50: number; first: number; healthz: number }> = {};
    for (const [name, route] of Object.entries(routes)) {
      if (ONLY && !ONLY.some((prefix) => name.startsWith(prefix))) continue;
      const healthz = (await measure('/healthz')).p95;
      const m = await measure(route);
      ours[name] = { ...m, healthz };
      console.log(
        `${name.padEnd(22)} p95 ${(m.p95 * 1000).toFixed(1).padStart(8)} ms   /healthz p95 ${(healthz * 1000).toFixed(1).padStart(6)} ms   ratio ${(m.p95 / healthz).toFixed(2).padStart(6)}   first ${(m.first * 1000).toFixed(0)} ms`,
      );
    }
    const healthzP95s = Object.values(ours).map((m) => m.healthz);
    // The median of the baseline's p95s: one unlucky round does not decide the overall ratio.
    const baseline = [...healthzP95s].sort((a, b) => a - b)[Math.floor(healthzP95s.length / 2)]!;
    const worst = Math.max(...Object.values(ours).map((m) => m.p95));
    const figures: Record<string, number> = {};
    for (const [name, m] of Object.entries(ours)) {
      figures[`${name}_p95_s`] = m.p95;
      figures[`${name}_ratio`] = m.p95 / m.healthz;
      figures[`${name}_p50_s`] = m.p50;
      figures[`${name}_cold_s`] = m.first;
    }
    console.log(
      JSON.stringify({
        bench: 'web',
        database: url ? 'postgresql' : 'pglite',
        n: seeded.count,
        results_n: results.count,
        ours_s: worst,
        baseline: 'GET /healthz p95 (database + Temporal answer)',
        baseline_s: baseline,
        ratio: Math.max(...Object.values(ours).map((m) => m.p95 / m.healthz)),
        ...figures,
        healthz_p95s_s: healthzP95s,
        samples: SAMPLES,
        load: os.loadavg()[0],
        seed_s: seedSeconds,
        results_seed_s: resultsSeedSeconds,
        upkeep,
        upkeep_s: upkeepSeconds,
      }),
    );
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await handle.close();
    await postgres?.stop();
    await connection.close();
    await temporal.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
