// PGlite never vacuums on its own (db/pglite-upkeep.ts): the upkeep does, by autovacuum's rules.
// The real effect is checked where it matters: an index-only scan of run_values (the results
// filters' counts) reads the table for every entry before and for none after.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { runUpkeep, startPgliteUpkeep, upkeepOf, type TableActivity } from '../../db/pglite-upkeep.ts';
import { queryRows } from '../../db/raw.ts';
import { insertRuns, setRunMetrics } from '../../db/runs.ts';
import type { Logger } from '../../log.ts';
import { withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

const N = 3000;

const quiet: TableActivity = {
  table: 't',
  live: 1000,
  dead: 0,
  insertedSinceVacuum: 0,
  modifiedSinceAnalyze: 0,
  pages: 2000,
  allVisiblePages: 2000,
};

/** A series of N runs whose metrics came in: rows inserted, then every run row rewritten. */
async function seriesWithMetrics(db: Database): Promise<string> {
  const id = await insertSeries(db, N);
  const runs = Array.from({ length: N }, (_, i) => ({
    index: i,
    dir: `${i}_x`,
    params: { x: String(i % 50) },
  }));
  await insertRuns(db, id, runs);
  await setRunMetrics(
    db,
    id,
    runs.map((r) => ({ index: r.index, metrics: { energy: r.index / 7 } })),
  );
  return id;
}

/** Table rows an index-only scan of run_values_sort_idx had to read for one series' `x` values. */
async function heapFetches(db: Database, seriesId: string): Promise<number> {
  return db.transaction(async (tx) => {
    // Only the index may answer; what is measured is how often it must look at the table.
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_bitmapscan = off`);
    const [row] = await queryRows<Record<string, unknown>>(
      tx as unknown as Database,
      sql`explain (analyze, format json) select count(*) from run_values
        where series_id = ${seriesId} and name = 'x' and rank = 0 and num >= 0`,
    );
    const plan = JSON.stringify(row);
    const fetched = [...plan.matchAll(/"Heap Fetches":\s*(\d+)/g)].map((m) => Number(m[1]));
    assert.ok(plan.includes('Index Only Scan'), `an index-only scan: ${plan}`);
    return fetched.reduce((a, b) => a + b, 0);
  });
}

describe('PGlite upkeep', () => {
  test("autovacuum's rules: dead rows, inserted rows, pages not known all-visible, changes since ANALYZE", () => {
    assert.equal(upkeepOf(quiet), undefined);
    assert.equal(upkeepOf({ ...quiet, dead: 250 }), undefined, 'at the threshold: 50 + 20 % of 1,000');
    assert.equal(upkeepOf({ ...quiet, dead: 251 }), 'vacuum');
    assert.equal(upkeepOf({ ...quiet, insertedSinceVacuum: 1200 }), undefined);
    assert.equal(upkeepOf({ ...quiet, insertedSinceVacuum: 1201 }), 'vacuum');
    assert.equal(upkeepOf({ ...quiet, allVisiblePages: 1599 }), 'vacuum', 'statistics lost at a restart');
    assert.equal(upkeepOf({ ...quiet, pages: 999, allVisiblePages: 0 }), undefined, 'small: statistics only');
    assert.equal(upkeepOf({ ...quiet, modifiedSinceAnalyze: 151 }), 'analyze');
    assert.equal(
      upkeepOf({ ...quiet, dead: 251, modifiedSinceAnalyze: 151 }),
      'vacuum',
      'a vacuum analyzes too',
    );
  });

  test('a pass vacuums the tables a series changed, after which index-only scans skip the table', () =>
    withDatabase('pglite', async ({ db }) => {
      const id = await seriesWithMetrics(db);
      assert.ok((await heapFetches(db, id)) >= N, 'before: every entry read from the table too');
      const done = await runUpkeep(db);
      const vacuumed = done.filter((d) => d.upkeep === 'vacuum').map((d) => d.table);
      assert.ok(vacuumed.includes('runs') && vacuumed.includes('run_values'), JSON.stringify(done));
      assert.equal(await heapFetches(db, id), 0, 'after: none');
      const again = await runUpkeep(db);
      assert.deepEqual(
        again.filter((d) => d.table === 'runs' || d.table === 'run_values'),
        [],
        'nothing changed since: nothing to do',
      );
    }));

  test('started with the stack: a pass at once, logged; stop waits for it', () =>
    withDatabase('pglite', async ({ db }) => {
      await seriesWithMetrics(db);
      const logged: unknown[] = [];
      const logger = {
        info: (fields: unknown) => logged.push(fields),
        warn: (fields: unknown) => logged.push(fields),
      } as unknown as Logger;
      const upkeep = startPgliteUpkeep({ db, logger }, 3_600_000);
      await upkeep.stop();
      const [fields] = logged as Array<{ upkeep?: Array<{ table: string }> }>;
      assert.ok(
        fields?.upkeep?.some((d) => d.table === 'runs'),
        JSON.stringify(logged),
      );
    }));
});
