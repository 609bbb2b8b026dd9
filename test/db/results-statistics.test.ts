// PGlite gathers no planner statistics on its own, and without them a filtered results page
// probed the wrong index per run (docs/results.md). Indexing a chunk's outputs that bring a metric
// name the series had not reported gives run_values statistics (activities/control/files.ts).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { indexChunkFiles } from '../../activities/control/files.ts';
import type { Database } from '../../db/client.ts';
import { queryRows } from '../../db/raw.ts';
import { insertRuns } from '../../db/runs.ts';
import { withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

const storage = await mkdtemp(path.join(os.tmpdir(), 'tuplet-results-statistics-'));
after(() => rm(storage, { recursive: true, force: true }));

async function statisticsOfRunValues(db: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from pg_stats where tablename = 'run_values'`,
  );
  return Number(row?.n);
}

describe('statistics after indexing', () => {
  test('a chunk bringing a new metric name leaves run_values with planner statistics', () =>
    withDatabase('pglite', async ({ db }) => {
      const id = await insertSeries(db, 2);
      const runs = [0, 1].map((i) => ({ index: i, dir: `${i}_x=${i}`, params: { x: String(i) } }));
      await insertRuns(db, id, runs);
      for (const run of runs) {
        const dir = path.join(storage, id, 'runs', run.dir);
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, 'metrics.json'), JSON.stringify({ period: run.index + 0.5 }));
      }
      assert.equal(await statisticsOfRunValues(db), 0, 'no statistics before');
      await indexChunkFiles(db, storage, id, [[0, 2]]);
      assert.ok((await statisticsOfRunValues(db)) > 0, 'statistics after the first metrics');
    }));
});
