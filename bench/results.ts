// `npm run bench -- results [N]`: a finished series of N runs (default 1,000,000; three varied
// parameters, two metrics) seeded set-based (bench/_results-series.ts) in PGlite
// (DATABASE_URL: PostgreSQL), then the results queries against the plain runs page
// (db/runs.ts runsPage, the primary key) in the same process: the first results page, a page
// deep in the series by index, sorted by a metric (first and deep), a filtered page, and an
// aggregate per value of a parameter (its first, computing answer timed apart from the kept
// one). Prints p50/p95 per query and one JSON line.
import { createUser } from '../db/accounts.ts';
import { openDatabase } from '../db/client.ts';
import { aggregateResults, encodeResultsCursor, resultsPage, type ResultNames } from '../db/results.ts';
import { runsPage } from '../db/runs.ts';
import { SEEDED_APPLICATION, seedHostAndApplication } from '../test/browser/support/seed.ts';
import { RESULTS_METRICS, RESULTS_PARAMETERS, seedResultsSeries } from '../db/synthetic-series.ts';
import { timed } from './_timed.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const NAMES: ResultNames = { parameters: RESULTS_PARAMETERS, metrics: RESULTS_METRICS };

const handle = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {});
const { db } = handle;
try {
  const owner = await createUser(db, { name: 'bench', role: 'admin' });
  await seedHostAndApplication(db, '/tmp/tuplet-bench-results');
  const seedStart = performance.now();
  const { id, count } = await seedResultsSeries(
    db,
    { ownerId: owner!.id, application: SEEDED_APPLICATION },
    N,
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(`seeded ${count} runs in ${seedSeconds.toFixed(1)} s`);
  const mid = Math.floor(count / 2);
  const baseline = await timed('runsPage (index, mid-series)', () =>
    runsPage(db, id, { from: mid, limit: 50, total: count }),
  );
  const deep = encodeResultsCursor({ side: 'after', sort: 'index', key: [0, '0', '', mid] });
  // A sort's cursor in the middle of its numbers: period runs from 1 to about 10·side/10.
  const deepSorted = encodeResultsCursor({ side: 'after', sort: '-period', key: [0, '50', '', mid] });
  const aggregate = () => aggregateResults(db, id, NAMES, { by: ['model.a'], metric: 'period' });
  const coldStart = performance.now();
  await aggregate();
  const aggregateCold = performance.now() - coldStart;
  console.log(`${'aggregate period by model.a, first'.padEnd(40)} ${aggregateCold.toFixed(1)} ms`);
  const cases = {
    results_first: await timed('results, first page', () => resultsPage(db, id, NAMES, { limit: 50 })),
    results_by_index: await timed('results, by index (mid-series)', () =>
      resultsPage(db, id, NAMES, { cursor: deep, limit: 50 }),
    ),
    results_filtered: await timed('results, filter model.a = 3', () =>
      resultsPage(db, id, NAMES, { filter: 'model.a = 3', limit: 50 }),
    ),
    results_filtered_range: await timed('results, filter period > 5', () =>
      resultsPage(db, id, NAMES, { filter: 'period > 5', limit: 50 }),
    ),
    results_sorted_metric: await timed('results, sorted by -period', () =>
      resultsPage(db, id, NAMES, { sort: '-period', limit: 50 }),
    ),
    results_sorted_deep: await timed('results, sorted by -period (deep)', () =>
      resultsPage(db, id, NAMES, { sort: '-period', cursor: deepSorted, limit: 50 }),
    ),
    results_sorted_filtered: await timed('results, sorted by energy, model.b = 7', () =>
      resultsPage(db, id, NAMES, { sort: 'energy', filter: 'model.b = 7', limit: 50 }),
    ),
    aggregate_by_a: await timed('aggregate period by model.a, kept', aggregate),
  };
  const ratios = Object.fromEntries(
    Object.entries(cases).map(([k, v]) => [k, Number((v / baseline).toFixed(2))]),
  );
  console.log(
    JSON.stringify({
      bench: 'results',
      n: count,
      database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
      baseline: 'runsPage p95',
      baseline_s: baseline / 1000,
      ours_s: Math.max(...Object.values(cases)) / 1000,
      ratio: Math.max(...Object.values(ratios)),
      ratios,
      aggregate_first_s: aggregateCold / 1000,
      seed_s: seedSeconds,
    }),
  );
} finally {
  await handle.close();
}
