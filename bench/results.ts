// `npm run bench -- results [N]`: a series of N runs (default 1,000,000; three varied parameters,
// two metrics) seeded in PGlite (DATABASE_URL: PostgreSQL), then the results queries against
// the plain runs page (db/runs.ts runsPage, the primary key) in the same process: the default
// results page deep in the series (keyset by index), a page sorted by a metric, a filtered
// page, and an aggregate per value of a parameter. Prints p50/p95 per query and one JSON line.
import { createUser } from '../db/accounts.ts';
import { openDatabase } from '../db/client.ts';
import { aggregateResults, encodeResultsCursor, resultsPage, type ResultNames } from '../db/results.ts';
import { runsPage } from '../db/runs.ts';
import { seedHostAndApplication, seedSeries } from '../test/browser/support/seed.ts';
import { timed } from './_timed.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const side = Math.round(Math.cbrt(N));
const values = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(' ');
const INI = `[model]\na = ${values(side)}\nb = ${values(side)}\nc = ${values(Math.round(N / side / side))}\n`;
const NAMES: ResultNames = { parameters: ['model.a', 'model.b', 'model.c'], metrics: ['period', 'energy'] };

const handle = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {});
const { db } = handle;
try {
  const owner = await createUser(db, { name: 'bench', role: 'admin' });
  await seedHostAndApplication(db, '/tmp/tuplet-bench-results');
  const seedStart = performance.now();
  const { id, count } = await seedSeries(db, {
    ownerId: owner.id,
    ini: INI,
    description: 'results bench',
    state: 'completed',
    metrics: (v, i) => ({
      period: (Number(v['model.a']) * 7 + Number(v['model.b']) * 3 + (i % 13)) / 10,
      energy: i % 1000,
    }),
  });
  console.log(`seeded ${count} runs in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const mid = Math.floor(count / 2);
  const baseline = await timed('runsPage (index, mid-series)', () =>
    runsPage(db, id, { from: mid, limit: 50, total: count }),
  );
  const deep = encodeResultsCursor({ side: 'after', sort: 'index', key: [0, '0', '', mid] });
  const cases = {
    results_by_index: await timed('results, by index (mid-series)', () =>
      resultsPage(db, id, NAMES, { cursor: deep, limit: 50 }),
    ),
    results_filtered: await timed('results, filter model.a = 3', () =>
      resultsPage(db, id, NAMES, { filter: 'model.a = 3', limit: 50 }),
    ),
    results_sorted_metric: await timed('results, sorted by -period', () =>
      resultsPage(db, id, NAMES, { sort: '-period', limit: 50 }),
    ),
    aggregate_by_a: await timed('aggregate period by model.a', () =>
      aggregateResults(db, id, NAMES, { by: ['model.a'], metric: 'period' }),
    ),
  };
  const ratios = Object.fromEntries(
    Object.entries(cases).map(([k, v]) => [k, Number((v / baseline).toFixed(2))]),
  );
  console.log(
    JSON.stringify({
      bench: 'results',
      n: count,
      baseline: 'runsPage p95',
      baseline_s: baseline / 1000,
      ours_s: cases.results_by_index / 1000,
      ratio: ratios.results_by_index,
      ratios,
    }),
  );
} finally {
  await handle.close();
}
