// Item 10 of issue 9: one bad run cannot stop a host. A run's program may write anything
// into its own `.tuplet/` (it runs in the run directory), e.g. `1e20` over the start time
// the runner wrote. That run fails with a reason naming the file and the value; every other
// run and series polled with it is recorded as usual. Performed for real three ways: the
// host's one poll exec over two series, the recording of impossible values in the database,
// and two concurrent series on the local host of the running stack.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { asc, eq } from 'drizzle-orm';
import { recordRunChanges } from '../../activities/control/runs.ts';
import { insertRuns } from '../../db/runs.ts';
import { runs } from '../../db/schema.ts';
import type { PollResult } from '../../hosts/executor.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { RunnerExecutor } from '../../hosts/runner-executor.ts';
import { createLogger } from '../../log.ts';
import { insertSeries } from '../db/fixtures.ts';
import { tempDir } from '../hosts/helpers.ts';
import { backends, withDatabase } from '../support/database.ts';
import { waitForSeriesEnd } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

interface Run {
  index: number;
  state: string;
  exitCode: number | null;
  reason: string | null;
  startedAt: string | null;
}

const START_FILE_REASON = /^unreadable start time in runs\/[^/]+\/\.tuplet\/started: '1e20'$/;

void describe('one poll exec over two series, one of which a run garbled', () => {
  let root: { dir: string; remove: () => Promise<void> };
  before(async () => {
    root = await tempDir('bad-run-data');
  });
  after(() => root.remove());

  async function runFiles(seriesDir: string, dir: string, files: Record<string, string>) {
    const meta = path.join(seriesDir, 'runs', dir, '.tuplet');
    await mkdir(meta, { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(meta, name), content);
  }

  void test('answers each series, the bad run failed with its reason, the rest as written', async () => {
    const workdir = path.join(root.dir, 'work');
    const executor = new RunnerExecutor({ name: 'local', kind: 'local', workdir }, new LocalTransport());
    const now = Math.floor(Date.now() / 1000);
    const done = (exit: string) => ({ attempt: '1\n', started: `${now - 5}\n`, ended: `${now}\n`, exit });
    for (const id of ['healthy', 'poisoned']) {
      for (const i of [0, 1, 2]) await runFiles(path.join(workdir, id), `${i}_n=${i}`, done('0\n'));
      // The chunk's run list, as the runner writes it when it starts: what the poll's scan reads.
      await mkdir(path.join(workdir, id, '.tuplet'), { recursive: true });
      await writeFile(path.join(workdir, id, '.tuplet/chunk-0.list'), '0\t0_n=0\n1\t1_n=1\n2\t2_n=2\n');
    }
    // What the program of run 1 did: overwrite its start time, and garble its exit file.
    await runFiles(path.join(workdir, 'poisoned'), '1_n=1', { started: '1e20\n' });
    await runFiles(path.join(workdir, 'poisoned'), '2_n=2', { exit: '\u0000\u00ff'.repeat(5_000_000) });

    const spec = (seriesId: string) => ({
      seriesId,
      ini: '',
      configFile: 'config.ini',
      command: 'true',
      resources: {},
      count: 3,
      maxTuples: 3,
    });
    const chunk = { chunkIndex: 0, offset: 0, length: 3, attempt: 1 };
    const results = await executor.pollMany([
      { series: spec('poisoned'), request: { chunks: [chunk] } },
      { series: spec('healthy'), request: { chunks: [chunk] } },
    ]);
    const [poisoned, healthy] = results.map((r) => {
      assert.ok(!(r instanceof Error), `a series answered with an error: ${String(r)}`);
      return r as PollResult;
    });
    assert.deepEqual(
      healthy!.changes.map((c) => [c.index, c.state, c.exitCode]),
      [
        [0, 'succeeded', 0],
        [1, 'succeeded', 0],
        [2, 'succeeded', 0],
      ],
    );
    const bad = new Map(poisoned!.changes.map((c) => [c.index, c]));
    assert.equal(bad.get(0)!.state, 'succeeded');
    assert.equal(bad.get(1)!.state, 'failed');
    assert.match(bad.get(1)!.reason ?? '', START_FILE_REASON);
    assert.equal(bad.get(2)!.state, 'failed');
    assert.match(bad.get(2)!.reason ?? '', /^unreadable exit code in runs\/2_n=2\/\.tuplet\/exit: '\?/);
  });
});

for (const kind of backends) {
  void test(`impossible values reach the database as one failed run, never a failed write (${kind})`, () =>
    withDatabase(kind, async ({ db }) => {
      const seriesId = await insertSeries(db, 4);
      await insertRuns(
        db,
        seriesId,
        [0, 1, 2, 3].map((index) => ({ index, dir: `${index}_x=${index}`, params: { x: String(index) } })),
      );
      const started = new Date(Date.now() - 60_000).toISOString();
      const ended = new Date().toISOString();
      const logger = createLogger('silent', 'bad-run-data-test');
      const { remaining } = await recordRunChanges(
        db,
        logger,
        seriesId,
        1,
        [
          { index: 0, state: 'succeeded', exitCode: 0, startedAt: started, endedAt: ended },
          // A time JavaScript can hold but PostgreSQL cannot, as a tampered report could carry.
          {
            index: 1,
            state: 'succeeded',
            exitCode: 0,
            startedAt: '-271821-04-20T00:00:00.000Z',
            endedAt: ended,
          },
          // Past the int column, and text PostgreSQL refuses (NUL).
          { index: 2, state: 'failed', exitCode: 2 ** 40, reason: 'boom\u0000\u001b[2J', endedAt: ended },
          { index: 3, state: 'running', startedAt: '1e20' },
          // Not a run of this chunk.
          { index: 7, state: 'succeeded', exitCode: 0 },
        ],
        [[0, 4]],
      );
      assert.equal(remaining, 1);
      const rows = await db.select().from(runs).where(eq(runs.seriesId, seriesId)).orderBy(asc(runs.index));
      assert.deepEqual(
        rows.map((r) => [r.index, r.state, r.exitCode]),
        [
          [0, 'succeeded', 0],
          [1, 'failed', 0],
          [2, 'failed', null],
          [3, 'running', null],
        ],
      );
      assert.equal(rows[1]!.startedAt, null);
      assert.match(rows[1]!.reason ?? '', /impossible start time '-271821-04-20T00:00:00\.000Z'/);
      assert.equal(rows[2]!.reason, "boom??[2J; the host reported impossible exit code '1099511627776'");
      assert.equal(rows[3]!.startedAt, null);
    }));
}

void describe(
  'a run that writes 1e20 into its start-time file, beside a healthy series on the local host',
  {
    timeout: 300_000,
  },
  () => {
    const testbed = useTestStack();

    const application = async (name: string, command: string) => {
      const created = await testbed.stack.request('POST', '/api/v1/applications', { name, command });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    };
    const submit = async (app: string) => {
      const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
        application: app,
        host: 'local',
        ini: 'n = 0 1 2 3\n',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    };
    const runsOf = async (id: string) =>
      (await testbed.stack.request<{ runs: Run[] }>('GET', `/api/v1/series/${id}/runs`)).body.runs;

    void test('fails that run alone with a clear reason; both series finish', async () => {
      // Both series' runs last a few seconds, so their polls share the host's status execs.
      await application(
        'writes-1e20',
        'if [ "$TUPLET_INDEX" = 1 ]; then echo 1e20 > .tuplet/started; fi; sleep 2',
      );
      await application('steady', 'sleep 2');
      const [poisoned, healthy] = await Promise.all([submit('writes-1e20'), submit('steady')]);

      const [poisonedEnd, healthyEnd] = await Promise.all([
        waitForSeriesEnd(testbed.stack, poisoned, 120_000),
        waitForSeriesEnd(testbed.stack, healthy, 120_000),
      ]);
      assert.equal(healthyEnd.state, 'completed', JSON.stringify(healthyEnd));
      assert.equal(healthyEnd.counts.succeeded, 4);
      assert.equal(poisonedEnd.state, 'completed_with_failures', JSON.stringify(poisonedEnd));
      assert.equal(poisonedEnd.counts.succeeded, 3);

      const bad = (await runsOf(poisoned)).find((r) => r.index === 1)!;
      assert.equal(bad.state, 'failed');
      assert.match(bad.reason ?? '', START_FILE_REASON);
      assert.equal(bad.exitCode, 0, 'the program itself exited 0');
      for (const run of await runsOf(poisoned)) {
        if (run.index !== 1) assert.equal(run.state, 'succeeded', JSON.stringify(run));
      }
    });
  },
);
