// Metrics an application declares over its runs' output (stdout patterns, a CSV's last row),
// read when a chunk is indexed (activities/control/files.ts). A run's output is untrusted: these
// tests hand it huge and malicious stdout and CSV files and a pattern that backtracks without
// end, and check that what is read stays bounded and nothing else is touched.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { indexChunkFiles } from '../../activities/control/files.ts';
import { csvFields, METRIC_SOURCE_LIMITS, stdoutMetrics } from '../../activities/control/metric-sources.ts';
import type { Database } from '../../db/client.ts';
import { getRun, insertRuns } from '../../db/runs.ts';
import { series, type MetricSource } from '../../db/schema.ts';
import { withDatabase } from '../support/database.ts';
import { insertSeries } from '../db/fixtures.ts';

const storage = await mkdtemp(path.join(os.tmpdir(), 'tuplet-metric-sources-'));
after(() => rm(storage, { recursive: true, force: true }));

/** A series whose runs 0…n-1 have the given files (relative path → content), indexed. */
async function indexRuns(
  db: Database,
  sources: MetricSource[],
  runFiles: Array<Record<string, string | Buffer>>,
): Promise<Array<Record<string, unknown> | null>> {
  const id = await insertSeries(db, runFiles.length);
  await db
    .update(series)
    .set({
      applicationSnapshot: { name: 'app', command: 'true', configFile: 'config.ini', metricSources: sources },
    })
    .where(eq(series.id, id));
  const runs = runFiles.map((_, i) => ({ index: i, dir: `${i}_x=${i}`, params: { x: String(i) } }));
  await insertRuns(db, id, runs);
  for (const [i, files] of runFiles.entries()) {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(storage, id, 'runs', runs[i]!.dir, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
  }
  await indexChunkFiles(db, storage, id, [[0, runFiles.length]]);
  return Promise.all(runs.map(async (r) => (await getRun(db, id, r.index))!.metrics));
}

const LOSS: MetricSource = { kind: 'stdout', name: 'loss', pattern: 'loss=(\\S+)' };
const NAMED: MetricSource = {
  kind: 'stdout',
  name: 'unused',
  pattern: 'step (?<step>\\d+) acc (?<acc>[\\d.]+)',
};
const HISTORY: MetricSource = { kind: 'csv', file: 'out/history.csv' };

describe('declared metric sources', () => {
  test('stdout patterns and a CSV last row land beside metrics.json, which wins a shared name', () =>
    withDatabase('pglite', async ({ db }) => {
      const metrics = await indexRuns(
        db,
        [LOSS, NAMED, HISTORY, { kind: 'csv', file: 'picked.csv', columns: ['b'] }],
        [
          {
            '.tuplet/stdout': 'loss=0.9\nstep 1 acc 0.5\nloss=0.25\nstep 2 acc 0.75\ndone\n',
            'out/history.csv': 'epoch,"val loss",label\n1,0.8,x\n2,"0.5",y\n',
            'picked.csv': 'a,b\n1,2\n',
            'metrics.json': '{"loss": 0.2, "extra": "text"}',
          },
          { '.tuplet/stdout': 'nothing here\n' },
          {},
        ],
      );
      assert.deepEqual(metrics[0], {
        loss: 0.2, // metrics.json's, not stdout's last 0.25
        step: 2,
        acc: 0.75,
        epoch: 2,
        'val loss': 0.5,
        b: 2,
        extra: 'text',
      });
      assert.equal(metrics[1], null, 'no match, no metrics');
      assert.equal(metrics[2], null);
    }));

  test('huge and malicious stdout: only its tail is read, long lines and non-numbers are skipped', () =>
    withDatabase('pglite', async ({ db }) => {
      const tail = METRIC_SOURCE_LIMITS.stdoutTailBytes;
      const metrics = await indexRuns(
        db,
        [
          LOSS,
          { kind: 'stdout', name: 'nan', pattern: 'nan=(\\S+)' },
          { kind: 'stdout', name: 'hex', pattern: 'hex=(\\S+)' },
        ],
        [
          // The only loss=1 lies beyond the tail; the last in the tail is a line too long to search.
          {
            '.tuplet/stdout': `loss=1\n${'x'.repeat(tail * 4)}\nloss=2${'y'.repeat(METRIC_SOURCE_LIMITS.lineChars)}\n`,
          },
          { '.tuplet/stdout': 'nan=NaN\nhex=0x10\nloss=Infinity\nloss=1e999\n' },
          { '.tuplet/stdout': Buffer.from([0xff, 0xfe, 0x00, 0x0a, ...Buffer.from('loss=3\n')]) },
        ],
      );
      assert.deepEqual(metrics, [null, null, { loss: 3 }]);
    }));

  test('a pattern that backtracks without end is stopped; the other patterns still report', () => {
    const evil = { kind: 'stdout' as const, name: 'evil', pattern: '^(a+)+$' };
    const line = `${'a'.repeat(40)}!`;
    assert.deepEqual(stdoutMetrics(`${line}\nloss=4\n`, [evil, LOSS]), { loss: 4 });
  });

  test('no more than the metric budget per run, names of a sane length', () => {
    // Many small sources rather than one 200-group pattern: each stays far inside its budget.
    const many = Array.from({ length: 200 }, (_, i) => `m${i}=${i}`).join('\n');
    const sources = Array.from({ length: 200 }, (_, i) => ({
      kind: 'stdout' as const,
      name: `m${i}`,
      pattern: `^m${i}=(\\d+)$`,
    }));
    const found = stdoutMetrics(many, sources);
    assert.equal(Object.keys(found).length, METRIC_SOURCE_LIMITS.metricsPerRun);
    const long = 'n'.repeat(METRIC_SOURCE_LIMITS.nameChars + 1);
    assert.deepEqual(stdoutMetrics('v=1', [{ kind: 'stdout', name: long, pattern: 'v=(\\d)' }]), {});
  });

  test('malicious CSVs: links are not followed, huge files and rows are bounded, quotes parse', () =>
    withDatabase('pglite', async ({ db }) => {
      const edge = METRIC_SOURCE_LIMITS.csvEdgeBytes;
      const wide = Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',');
      const wideRow = Array.from({ length: 5000 }, () => '1').join(',');
      const secret = path.join(storage, 'secret.csv');
      await writeFile(secret, 'token\n42\n');
      const runs: Array<Record<string, string>> = [
        // Header, a middle far bigger than what is read, and the last row.
        { 'out/history.csv': `a,b\n${'9,9\n'.repeat(edge)}7,8\n` },
        // A last row too long to read: skipped, not replaced by the row before it.
        { 'out/history.csv': `a\n1\n${'2'.repeat(METRIC_SOURCE_LIMITS.lineChars + 1)}\n` },
        // Only a header.
        { 'out/history.csv': 'a,b\n' },
        // Too many columns: header longer than a line may be.
        { 'out/history.csv': `${wide}\n${wideRow}\n` },
      ];
      assert.deepEqual(await indexRuns(db, [HISTORY], runs), [{ a: 7, b: 8 }, null, null, null]);

      // A link named like the CSV, pointing outside the run: never read.
      const linked = await withLink(db, secret);
      assert.equal(linked, null);
      assert.deepEqual(csvFields('1,"a, ""b""",  3 '), ['1', 'a, "b"', '3']);
    }));
});

async function withLink(db: Database, target: string) {
  const id = await insertSeries(db, 1);
  await db
    .update(series)
    .set({
      applicationSnapshot: {
        name: 'app',
        command: 'true',
        configFile: 'config.ini',
        metricSources: [{ kind: 'csv', file: 'token.csv' }],
      },
    })
    .where(eq(series.id, id));
  await insertRuns(db, id, [{ index: 0, dir: '0_x=0', params: { x: '0' } }]);
  const dir = path.join(storage, id, 'runs', '0_x=0');
  await mkdir(dir, { recursive: true });
  await symlink(target, path.join(dir, 'token.csv'));
  await indexChunkFiles(db, storage, id, [[0, 1]]);
  return (await getRun(db, id, 0))!.metrics;
}
