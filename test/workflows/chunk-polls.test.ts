// The chunk workflow's poll loop at workflow level, on the time-skipping server with stub
// activities (fake-host.ts): how workflows/chunk.ts carries out the decisions of
// workflows/poll-decisions.ts — a job that dies is looked at twice and submitted again, runs
// whose job is gone after the last resubmit are given up as LOST, and a chunk that polls long
// enough continues as new and resumes with its job, cursor and resubmits. The poll intervals
// are minutes (backing off to an hour): without time skipping these tests would take hours.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chunkWorkflowId } from '../../core/naming.ts';
import type { PollRequest } from '../../hosts/executor.ts';
import { newSeriesId, startTestbed, type Testbed } from './testbed.ts';
import type { FakeSeries } from './fake-host.ts';
import { noRuns } from '../../workflows/progress.ts';

/** The job id and cursor of every poll, in order. */
function polls(fake: FakeSeries): Array<{ jobId: string | undefined; cursor: string | undefined }> {
  return fake.callsOf('pollChunks').map((call) => {
    const request = call.args[0] as PollRequest;
    return { jobId: request.chunks[0]?.jobId, cursor: request.cursor };
  });
}

describe('the chunk workflow follows its job on the time-skipping server', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed();
  });
  after(() => testbed?.stop());

  test('a job that dies is looked at twice, then submitted again, and its runs finish', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 3,
      // The first job is seen once, then is gone; the second finishes every run.
      script: (job) =>
        job.submission === 1 ? { alive: job.poll === 1 } : { alive: true, succeed: job.unfinished },
    });
    const handle = await testbed.startSeries(id);
    assert.equal(await handle.result(), 'completed');

    assert.deepEqual(polls(fake), [
      { jobId: 'job-0-1', cursor: undefined },
      { jobId: 'job-0-1', cursor: 'cursor-1' },
      // The first poll that finds the job gone drops the cursor: the second look scans every run.
      { jobId: 'job-0-1', cursor: undefined },
      { jobId: 'job-0-2', cursor: 'cursor-3' },
    ]);
    assert.equal(fake.callsOf('submitChunk').length, 2);
    assert.equal(fake.callsOf('stageChunk').length, 1, 'a resubmit does not stage again');
    assert.deepEqual(
      fake.callsOf('markQueued').map((call) => call.args[1]),
      ['job-0-1'],
      'runs are queued once, under the first job',
    );
    assert.equal(fake.callsOf('failUnfinishedRuns').length, 0);
    assert.deepEqual(fake.runs, ['succeeded', 'succeeded', 'succeeded']);
    assert.equal(fake.callsOf('collectChunk').length, 1);
  });

  test('runs whose job is gone after the last resubmit are given up as LOST, the others kept', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 3,
      // Run 0 succeeds on the first poll; from then on no job is ever alive.
      script: (job) =>
        job.submission === 1 && job.poll === 1 ? { alive: true, succeed: [0] } : { alive: false },
    });
    const handle = await testbed.startSeries(id);
    assert.equal(await handle.result(), 'completed_with_failures');

    // Two looks at each dead job, then a resubmit — twice (MAX_RESUBMITS) — then give up.
    assert.deepEqual(
      polls(fake).map((poll) => poll.jobId),
      ['job-0-1', 'job-0-1', 'job-0-1', 'job-0-2', 'job-0-2', 'job-0-3', 'job-0-3'],
    );
    assert.equal(fake.callsOf('submitChunk').length, 3);
    assert.deepEqual(
      fake.callsOf('failUnfinishedRuns').map((call) => call.args),
      [[[[0, 3]], 'LOST']],
    );
    assert.deepEqual(fake.runs, ['succeeded', 'failed', 'failed']);
    assert.deepEqual(
      [...fake.reasons],
      [
        [1, 'LOST'],
        [2, 'LOST'],
      ],
    );
    // What the runs left behind is still collected and indexed.
    assert.equal(fake.callsOf('collectChunk').length, 1);
    assert.equal(fake.callsOf('indexChunk').length, 1);
    // The chunk reports the runs it gave up as failed: its last poll still saw them unfinished.
    const chunk = await testbed.env.client.workflow.getHandle(chunkWorkflowId(id, 0)).result();
    assert.deepEqual(chunk, { remaining: 0, counts: { ...noRuns(), succeeded: 1, failed: 2 } });
    assert.deepEqual((await testbed.progress(handle)).counts, { ...noRuns(), succeeded: 1, failed: 2 });
  });

  test('a chunk that polls long enough continues as new with its job, cursor and resubmits', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 2,
      script: (job) => {
        // Job 1 finishes run 0, then dies and is resubmitted once (resubmits: 1).
        if (job.submission === 1) return job.poll === 1 ? { alive: true, succeed: [0] } : { alive: false };
        // Job 2 runs without news until the chunk has continued as new, then dies too.
        return { alive: job.workflowRun === 1 };
      },
    });
    const handle = await testbed.startSeries(id);
    assert.equal(await handle.result(), 'completed_with_failures');

    const chunkId = chunkWorkflowId(id, 0);
    const [firstRun, secondRun, ...more] = fake.runIdsOf(chunkId);
    assert.ok(firstRun && secondRun, 'the chunk workflow continued as new');
    assert.deepEqual(more, [], 'once');
    const inRun = (runId: string) => fake.calls.filter((c) => c.workflowId === chunkId && c.runId === runId);
    const pollsOf = (runId: string) =>
      inRun(runId)
        .filter((c) => c.activity === 'pollChunks')
        .map((c) => c.args[0] as PollRequest);
    const lastBefore = pollsOf(firstRun).at(-1)!;
    const firstAfter = pollsOf(secondRun)[0]!;

    // The last poll before continuing as new answered cursor-N; the new run polls the same job from there.
    assert.equal(lastBefore.chunks[0]?.jobId, 'job-0-2');
    assert.equal(firstAfter.chunks[0]?.jobId, 'job-0-2');
    assert.equal(firstAfter.cursor, `cursor-${pollsOf(firstRun).length}`);
    // The resumed run does not stage, submit or queue its runs again: it only asks for the host's limits.
    assert.deepEqual(
      inRun(secondRun)
        .map((c) => c.activity)
        .filter((a) => !['pollChunks', 'recordRunChanges'].includes(a)),
      ['loadSeries', 'describeHost', 'submitChunk', 'failUnfinishedRuns', 'collectChunk', 'indexChunk'],
    );
    // The resubmit carried over counts: one more resubmit (job 3), then LOST — not two more.
    assert.deepEqual(
      fake.callsOf('submitChunk').map((c) => c.runId),
      [firstRun, firstRun, secondRun],
    );
    assert.deepEqual(fake.runs, ['succeeded', 'failed']);
    // Run 0 succeeded in the first run: the chunk's report comes from its last poll, in the second.
    const chunk = await testbed.env.client.workflow.getHandle(chunkId).result();
    assert.deepEqual(chunk, { remaining: 0, counts: { ...noRuns(), succeeded: 1, failed: 1 } });
  });
});
