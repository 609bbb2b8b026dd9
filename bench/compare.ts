// `npm run bench -- compare [N]`: two series of N runs each (default 100,000; three varied
// parameters, two metrics), B a clone of A with one value of a changed, seeded in PGlite
// (DATABASE_URL: PostgreSQL); then the comparison (api/series/compare.ts: tuple counts,
// examples, per-metric deltas, a page of per-tuple deltas) and the plot's paired values,
// against a baseline in the same process: the results aggregate of one metric per value of a
// parameter over A (db/results.ts), itself a full scan of one series — with a filter every run
// passes, since an unfiltered aggregate of a finished series is computed once and then read
// from result_aggregates, which would make the baseline a cache hit. Prints one JSON line.
import { createUser } from '../db/accounts.ts';
import { openDatabase } from '../db/client.ts';
import { pairedValues } from '../db/compare.ts';
import { aggregateResults } from '../db/results.ts';
import { comparePair, loadPair } from '../api/series/compare.ts';
import { seedHostAndApplication, seedSeries } from '../test/browser/support/seed.ts';
import { timed } from './_timed.ts';

const N = Number(process.argv[2] ?? 100_000);
/** True of every run (a ≥ 1): keeps the baseline aggregate computed, not cached. */
const EVERY_RUN = 'model.a >= 1';
const REPEAT = 9;
const side = Math.round(Math.cbrt(N));
const values = (n: number, change = false) =>
  Array.from({ length: n }, (_, i) => (change && i === n - 1 ? n + 100 : i + 1)).join(' ');
const ini = (change: boolean) =>
  `[model]\na = ${values(side, change)}\nb = ${values(side)}\nc = ${values(Math.round(N / side / side))}\n`;
const metrics = (bump: number) => (v: Record<string, string>, i: number) => ({
  period: (Number(v['model.a']) * 7 + Number(v['model.b']) * 3 + (i % 13)) / 10 + bump,
  energy: i % 1000,
});

const handle = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {});
const { db } = handle;
try {
  const owner = await createUser(db, { name: 'bench', role: 'admin' });
  await seedHostAndApplication(db, '/tmp/tuplet-bench-compare');
  const seedStart = performance.now();
  const common = { ownerId: owner.id, description: 'compare bench', state: 'completed' as const };
  const a = await seedSeries(db, { ...common, ini: ini(false), metrics: metrics(0) });
  const b = await seedSeries(db, { ...common, ini: ini(true), metrics: metrics(0.5) });
  console.log(`seeded 2 × ${a.count} runs in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const names = { parameters: ['model.a', 'model.b', 'model.c'], metrics: ['energy', 'period'] };
  const baseline = await timed(
    'aggregate period by model.a (A)',
    () => aggregateResults(db, a.id, names, { by: ['model.a'], metric: 'period', filter: EVERY_RUN }),
    REPEAT,
  );
  const user = { id: owner.id, name: owner.name, role: 'admin' as const };
  const pair = await loadPair(db, N, user, a.id, b.id);
  const answer = await comparePair(db, pair, { limit: 50 });
  console.log(`tuples: ${JSON.stringify({ ...answer.tuples, examples: undefined })}`);
  const compared = await timed(
    'compare A with B (whole answer)',
    () => comparePair(db, pair, { limit: 50 }),
    REPEAT,
  );
  const plotted = await timed(
    'paired values of period (plot, 5,000)',
    () => pairedValues(db, pair.sides, 'period', 5000),
    REPEAT,
  );
  console.log(
    JSON.stringify({
      bench: 'compare',
      n: a.count,
      ours_s: compared / 1000,
      baseline: 'aggregateResults p95 (one series, computed)',
      baseline_s: baseline / 1000,
      ratio: Number((compared / baseline).toFixed(2)),
      plot_ratio: Number((plotted / baseline).toFixed(2)),
      common: answer.tuples.common,
      added: answer.tuples.added,
      removed: answer.tuples.removed,
    }),
  );
} finally {
  await handle.close();
}
