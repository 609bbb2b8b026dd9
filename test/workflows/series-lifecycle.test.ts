// The series workflow at workflow level, on the time-skipping server with stub activities
// (fake-host.ts): its progress query answers live while chunks run, a cancel in the middle of
// polling stops the jobs on the host and records the runs cancelled, and a series of more
// chunks than one workflow run takes continues as new and resumes where it stopped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { chunkWorkflowId, seriesWorkflowId } from '../../core/naming.ts';
import type { ChunkSpec } from '../../hosts/executor.ts';
import { waitFor } from '../support/wait.ts';
import { finishAtOnce, type FakeSeries } from './fake-host.ts';
import { newSeriesId, startTestbed, type Testbed } from './testbed.ts';

describe('the series workflow on the time-skipping server', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed();
  });
  after(() => testbed?.stop());

  /** Chunk 0 ends at once; chunk 1's job runs (with nothing to report) until `release()`. */
  function twoChunks(): { fake: FakeSeries; id: string; release(): void } {
    let released = false;
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 2,
      caps: { chunkSize: 1, window: 2 },
      script: (job) => (job.chunkIndex === 0 || released ? finishAtOnce(job) : { alive: true }),
    });
    return { fake, id, release: () => (released = true) };
  }

  test('the progress query answers live: chunks done while the series runs, then its end', async () => {
    const { fake, id, release } = twoChunks();
    const handle = await testbed.startSeries(id);

    const midway = await waitFor(
      async () => {
        const progress = await testbed.progressOnceAnswered(handle);
        return progress?.chunksDone === 1 ? progress : undefined;
      },
      { what: 'the progress query to count chunk 0 done', lastSeen: () => fake.calls.map((c) => c.activity) },
    );
    assert.equal(midway.state, 'running');
    assert.equal(midway.chunksTotal, 2);
    assert.equal(midway.count, 2);

    release();
    assert.equal(await handle.result(), 'completed');
    const end = await testbed.progress(handle);
    assert.equal(end.state, 'completed');
    assert.equal(end.chunksDone, 2);
    assert.deepEqual(fake.runs, ['succeeded', 'succeeded']);
  });

  test('cancelling a series mid-poll stops its jobs on the host and records its runs cancelled', async () => {
    const { fake, id } = twoChunks();
    const handle = await testbed.startSeries(id);
    await waitFor(
      async () =>
        (await testbed.progressOnceAnswered(handle))?.chunksDone === 1 &&
        fake.callsOf('pollChunks').some((call) => call.workflowId === chunkWorkflowId(id, 1)),
      { what: 'chunk 0 done and chunk 1 polling', lastSeen: () => fake.calls.map((c) => c.activity) },
    );

    await handle.cancel();
    const failure = await handle.result().then(
      () => assert.fail('a cancelled series has no result'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof WorkflowFailedError, String(failure));
    assert.ok(failure.cause instanceof CancelledFailure, String(failure.cause));

    // The jobs are stopped first, then the series is recorded cancelled (patch record-series-end-before-cleanup).
    const ending = fake.calls
      .map((c) => c.activity)
      .filter((a) => ['cancelSeries', 'recordCancelled'].includes(a));
    assert.deepEqual(ending, ['cancelSeries', 'recordCancelled']);
    assert.deepEqual(fake.runs, ['succeeded', 'cancelled']);
    assert.equal(fake.state, 'cancelled');
    const chunk1 = await testbed.env.client.workflow.getHandle(chunkWorkflowId(id, 1)).describe();
    assert.equal(chunk1.status.name, 'CANCELLED', 'the cancel reached the polling chunk');
    assert.deepEqual(
      fake.callsOf('collectChunk').map((c) => (c.args[0] as ChunkSpec).chunkIndex),
      [0],
      'a cancelled chunk collects nothing',
    );
    assert.equal(fake.callsOf('archiveSeries').length, 0);
    assert.equal((await testbed.progress(handle)).state, 'cancelled');
  });

  test('a series of more chunks than one workflow run takes continues as new and resumes at the next chunk', async () => {
    const id = newSeriesId();
    // 301 chunks of one run: one more than CHUNKS_PER_HISTORY (workflows/series.ts).
    const count = 301;
    const fake = testbed.world.add(id, { count, caps: { chunkSize: 1, window: 50 } });
    const handle = await testbed.startSeries(id);
    assert.equal(await handle.result(), 'completed');

    const [firstRun, secondRun, ...more] = fake.runIdsOf(seriesWorkflowId(id));
    assert.ok(firstRun && secondRun, 'the series workflow continued as new');
    assert.deepEqual(more, [], 'once');
    const activitiesIn = (runId: string) =>
      fake.calls
        .filter((c) => c.workflowId === seriesWorkflowId(id) && c.runId === runId)
        .map((c) => c.activity);
    // The first run stages the series and creates its runs; the resumed one goes straight back
    // to running. (Sorted: each run starts with steps in parallel.)
    assert.deepEqual(activitiesIn(firstRun).sort(), [
      'createRuns',
      'describeHost',
      'loadSeries',
      'setSeriesState',
      'stageSeries',
    ]);
    assert.deepEqual(activitiesIn(secondRun).sort(), [
      'archiveSeries',
      'describeHost',
      'finishSeries',
      'loadSeries',
      'setSeriesState',
      'setSeriesState',
    ]);
    assert.deepEqual(
      fake.callsOf('setSeriesState').map((c) => c.args[0]),
      ['running', 'running', 'archiving'],
    );

    // Every chunk ran exactly once, across both runs: none skipped, none started again.
    const submitted = fake.callsOf('submitChunk').map((c) => (c.args[0] as ChunkSpec).chunkIndex);
    assert.deepEqual(
      submitted.sort((a, b) => a - b),
      Array.from({ length: count }, (_, i) => i),
    );
    assert.ok(fake.runs.every((state) => state === 'succeeded'));
    const end = await testbed.progress(handle);
    assert.deepEqual([end.state, end.chunksDone, end.chunksTotal], ['completed', count, count]);
  });
});
