// The series workflow at workflow level, on the time-skipping server with stub activities
// (fake-host.ts): its progress query answers from the start and counts the runs as chunks end,
// a cancel in the middle of polling stops the jobs on the host and records the runs cancelled,
// a rerun follows the runs it repeats, and a series of more chunks than one workflow run takes
// continues as new, resumes where it stopped and goes on counting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { chunkWorkflowId, seriesWorkflowId } from '../../core/naming.ts';
import type { ChunkSpec } from '../../hosts/executor.ts';
import { waitFor } from '../support/wait.ts';
import { noRuns } from '../../workflows/progress.ts';
import type { SeriesProgress } from '../../workflows/shared.ts';
import { finishAtOnce, type JobAnswer, type JobPoll } from './fake-host.ts';
import { newSeriesId, startTestbed, type Testbed } from './testbed.ts';
import { twoChunkSeries } from './two-chunks.ts';

describe('the series workflow on the time-skipping server', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed();
  });
  after(() => testbed?.stop());

  /** Chunk 0 ends at once; chunk 1's job runs (with nothing to report) until `release()`. */
  const twoChunks = () => twoChunkSeries(testbed);

  /** The run counts of a progress answer, with the runs it does not give a state. */
  const tallyOf = ({ counts, inFlight, untracked }: SeriesProgress) => ({ counts, inFlight, untracked });

  test('the progress query answers while the series is still loading, and says so', async () => {
    let finishLoading!: () => void;
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 2,
      loaded: new Promise((resolve) => (finishLoading = resolve)),
    });
    const handle = await testbed.startSeries(id);
    await waitFor(() => fake.callsOf('loadSeries').length > 0, {
      what: 'the series workflow to load its series',
    });

    const early = await testbed.progress(handle);
    assert.deepEqual([early.loaded, early.state, early.count, early.chunksTotal], [false, 'staging', 0, 0]);
    assert.deepEqual(tallyOf(early), { counts: noRuns(), inFlight: 0, untracked: 0 });
    assert.deepEqual(
      fake.calls.map((c) => c.activity),
      ['loadSeries'],
      'the query was answered while loadSeries had not answered',
    );

    finishLoading();
    assert.equal(await handle.result(), 'completed');
    const end = await testbed.progress(handle);
    assert.equal(end.loaded, true);
    assert.deepEqual(tallyOf(end), { counts: { ...noRuns(), succeeded: 2 }, inFlight: 0, untracked: 0 });
  });

  test('the progress query answers live: runs counted as their chunks end, then the series end', async () => {
    const { fake, id, release } = twoChunks();
    const handle = await testbed.startSeries(id);

    const midway = await waitFor(
      async () => {
        const progress = await testbed.progress(handle);
        return progress.chunksDone === 1 ? progress : undefined;
      },
      { what: 'the progress query to count chunk 0 done', lastSeen: () => fake.calls.map((c) => c.activity) },
    );
    assert.equal(midway.loaded, true);
    assert.equal(midway.state, 'running');
    assert.equal(midway.chunksTotal, 2);
    assert.equal(midway.count, 2);
    // Chunk 0's run is counted by its final state; chunk 1's, still polling, is in flight.
    assert.deepEqual(tallyOf(midway), { counts: { ...noRuns(), succeeded: 1 }, inFlight: 1, untracked: 0 });

    release();
    assert.equal(await handle.result(), 'completed');
    const end = await testbed.progress(handle);
    assert.equal(end.state, 'completed');
    assert.equal(end.chunksDone, 2);
    assert.deepEqual(tallyOf(end), { counts: { ...noRuns(), succeeded: 2 }, inFlight: 0, untracked: 0 });
    assert.deepEqual(fake.runs, ['succeeded', 'succeeded']);
  });

  test('cancelling a series mid-poll stops its jobs on the host and records its runs cancelled', async () => {
    const { fake, id } = twoChunks();
    const handle = await testbed.startSeries(id);
    await waitFor(
      async () =>
        (await testbed.progress(handle)).chunksDone === 1 &&
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
    const end = await testbed.progress(handle);
    assert.equal(end.state, 'cancelled');
    // Chunk 1 was cancelled in flight: what its run ended as is on the runs page, not here.
    assert.deepEqual(tallyOf(end), { counts: { ...noRuns(), succeeded: 1 }, inFlight: 1, untracked: 0 });
  });

  test('a rerun follows the runs it repeats; the runs it leaves alone are untracked', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 4,
      caps: { chunkSize: 1, window: 1 },
      // The rerun's chunk 0 is run 1: it fails again; run 2 succeeds this time.
      script: (job) => (job.chunkIndex === 0 ? { alive: true, fail: job.unfinished } : finishAtOnce(job)),
    });
    // What the API's rerun leaves: runs 1 and 2 reset to pending, runs 0 and 3 as they ended.
    fake.runs.splice(0, 4, 'succeeded', 'pending', 'pending', 'failed');
    const handle = await testbed.startSeries(id, { rerun: { attempt: 2, ranges: [[1, 3]] } });
    assert.equal(await handle.result(), 'completed_with_failures');

    const end = await testbed.progress(handle);
    assert.deepEqual([end.count, end.chunksTotal, end.chunksDone], [4, 2, 2]);
    assert.deepEqual(tallyOf(end), {
      counts: { ...noRuns(), succeeded: 1, failed: 1 },
      inFlight: 0,
      untracked: 2,
    });
  });

  test('a series of more chunks than one workflow run takes continues as new, resumes at the next chunk and goes on counting', async () => {
    const id = newSeriesId();
    // 301 chunks of one run: one more than CHUNKS_PER_HISTORY (workflows/series.ts). Each run
    // ends by its index: succeeded, failed, cancelled by the scheduler, succeeded…
    const count = 301;
    const endings: Array<(job: JobPoll) => JobAnswer> = [
      finishAtOnce,
      (job) => ({ alive: true, fail: job.unfinished }),
      (job) => ({ alive: true, cancel: job.unfinished }),
    ];
    const fake = testbed.world.add(id, {
      count,
      caps: { chunkSize: 1, window: 50 },
      script: (job) => endings[job.chunkIndex % 3]!(job),
    });
    const handle = await testbed.startSeries(id);
    assert.equal(await handle.result(), 'completed_with_failures');

    const [firstRun, secondRun, ...more] = fake.runIdsOf(seriesWorkflowId(id));
    assert.ok(firstRun && secondRun, 'the series workflow continued as new');
    assert.deepEqual(more, [], 'once');
    const activitiesIn = (runId: string) =>
      fake.calls
        .filter((c) => c.workflowId === seriesWorkflowId(id) && c.runId === runId)
        .map((c) => c.activity);
    // The first run looks at its quotas, stages the series (and its first chunk's configs, once
    // the limits are known) and creates its runs; the resumed one goes straight back to running.
    // (Sorted: each run starts with steps in parallel.)
    assert.deepEqual(activitiesIn(firstRun).sort(), [
      'createRuns',
      'describeHost',
      'loadSeries',
      'quotaHold',
      'setSeriesState',
      'stageChunk',
      'stageSeries',
    ]);
    const stagedBy = (chunkIndex: number) =>
      fake
        .callsOf('stageChunk')
        .filter((c) => (c.args[0] as ChunkSpec).chunkIndex === chunkIndex)
        .map((c) => c.workflowId);
    assert.deepEqual(stagedBy(0), [seriesWorkflowId(id)], 'chunk 0 staged once, by the series');
    assert.deepEqual(stagedBy(1), [chunkWorkflowId(id, 1)], 'the others by their chunk');
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
    const end = await testbed.progress(handle);
    assert.deepEqual([end.state, end.chunksDone, end.chunksTotal], ['completed_with_failures', count, count]);
    // The first run's 300 chunks are carried into the second: every run counted, as the stubs ended it.
    const ended = { ...noRuns(), succeeded: 101, failed: 100, cancelled: 100 };
    assert.deepEqual(fake.countsIn([[0, count]]), ended);
    assert.deepEqual(tallyOf(end), { counts: ended, inFlight: 0, untracked: 0 });
  });
});
