// `npm run bench -- web [runs] [result runs]`: the web UI over a series of 100,000 runs
// (default) and the results of a finished series of 1,000,000 runs (default; seeded set-based,
// bench/_results-series.ts). p95 of the series page, of a deep runs page, of the parameter-map
// data, of the results page (first, sorted by a metric, filtered) and of an aggregate, each
// against a bare GET /healthz (database + Temporal round trip) measured in the same run, over
// HTTP. The aggregate's first request computes it (reported as `…_cold_s`), later ones read it
// kept (db/result-aggregates.ts). Ends with the JSON line {"bench":"web", …, "ratio": the worst}.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import { loadConfig } from '../config.ts';
import { createSession, createUser } from '../db/accounts.ts';
import { openDatabase } from '../db/client.ts';
import { createLogger } from '../log.ts';
import { connectClient } from '../temporal/connection.ts';
import { SEEDED_APPLICATION, seedHostAndApplication, seedSeries } from '../test/browser/support/seed.ts';
import { seedResultsSeries } from '../db/synthetic-series.ts';
import { startTemporal } from '../test/support/temporal.ts';

const RUNS = Number(process.argv[2] ?? 100_000);
const RESULT_RUNS = Number(process.argv[3] ?? 1_000_000);
const WARMUP = 5;
const SAMPLES = 60;

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
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
  const handle = await openDatabase({});
  const { db } = handle;
  let server: ServerType | undefined;
  try {
    const user = await createUser(db, { name: 'bench', password: 'bench-password-1', role: 'admin' });
    await seedHostAndApplication(db, path.join(dataDir, 'work'));
    // 100 × 100 × 10 = 100,000 runs; the map shows a × b (10,000 cells) at one value of c.
    const side = Math.max(2, Math.round(Math.sqrt(RUNS / 10)));
    const ini = `[grid]\na = 1...1...${side}\nb = 1...1...${side}\nc = 1...1...10\nsteps = 1000\n`;
    const seedStart = performance.now();
    const states = ['succeeded', 'succeeded', 'succeeded', 'failed', 'running', 'pending'] as const;
    const seeded = await seedSeries(db, {
      ownerId: user.id,
      ini,
      description: 'bench: a large series',
      state: 'running',
      runState: (i) => states[i % states.length]!,
      metrics: (v) => ({
        energy: Number(v['grid.a']) * Number(v['grid.b']),
        residual: 1 / Number(v['grid.c']),
      }),
    });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const resultsSeedStart = performance.now();
    const results = await seedResultsSeries(
      db,
      { ownerId: user!.id, application: SEEDED_APPLICATION },
      RESULT_RUNS,
    );
    const resultsSeedSeconds = (performance.now() - resultsSeedStart) / 1000;
    const session = await createSession(db, user!.id);

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
      results_first: `/api/v1/series/${results.id}/results?limit=50`,
      results_sorted: `/api/v1/series/${results.id}/results?limit=50&sort=-period`,
      results_filtered: `/api/v1/series/${results.id}/results?limit=50&filter=model.a%20%3D%203`,
      aggregate: `/api/v1/series/${results.id}/results/aggregate?by=model.a&metric=period`,
    };
    // Interleave the baseline with the pages so both see the same machine load.
    const healthz: number[] = [];
    const ours: Record<string, { p95: number; p50: number; first: number }> = {};
    for (const [name, route] of Object.entries(routes)) {
      healthz.push((await measure('/healthz')).p95);
      ours[name] = await measure(route);
    }
    healthz.push((await measure('/healthz')).p95);
    // The median of the baseline's p95s: one unlucky round does not decide the ratio.
    const baseline = [...healthz].sort((a, b) => a - b)[Math.floor(healthz.length / 2)]!;
    const worst = Math.max(...Object.values(ours).map((m) => m.p95));
    const figures: Record<string, number> = {};
    for (const [name, m] of Object.entries(ours)) {
      figures[`${name}_p95_s`] = m.p95;
      figures[`${name}_ratio`] = m.p95 / baseline;
      figures[`${name}_p50_s`] = m.p50;
      figures[`${name}_cold_s`] = m.first;
    }
    console.log(
      JSON.stringify({
        bench: 'web',
        n: seeded.count,
        results_n: results.count,
        ours_s: worst,
        baseline: 'GET /healthz p95 (database + Temporal answer)',
        baseline_s: baseline,
        ratio: worst / baseline,
        ...figures,
        healthz_p95s_s: healthz,
        samples: SAMPLES,
        seed_s: seedSeconds,
        results_seed_s: resultsSeedSeconds,
      }),
    );
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await handle.close();
    await connection.close();
    await temporal.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
