// The series post-processing step at workflow level, on the time-skipping server with stub
// activities (fake-host.ts): it runs once after the last chunk and before the archive, records
// running then its outcome, a failure (non-zero exit or a host error) is recorded but does not
// fail the series, a cancelled series never post-processes, a series without the command never
// reaches the patch, and the on-demand workflow runs the step again and rebuilds the archive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { CONTROL_TASK_QUEUE, chunkWorkflowId, postprocessWorkflowId } from '../../core/naming.ts';
import { waitFor } from '../support/wait.ts';
import { twoChunkSeries } from './two-chunks.ts';
import { newSeriesId, startTestbed, type Testbed } from './testbed.ts';

describe('series post-processing on the time-skipping server', () => {
  let testbed: Testbed;
  before(async () => {
    testbed = await startTestbed();
  });
  after(() => testbed?.stop());

  const activities = (calls: Array<{ activity: string }>) => calls.map((c) => c.activity);

  test('runs once after the last chunk is indexed and before the archive, and records its outcome', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 3,
      caps: { chunkSize: 1, window: 2 },
      postprocess: { command: 'python3 summarize.py' },
    });
    assert.equal(await (await testbed.startSeries(id)).result(), 'completed');

    const order = activities(fake.calls);
    const post = order.indexOf('postprocessSeries');
    assert.equal(order.filter((a) => a === 'postprocessSeries').length, 1, 'post-processed once');
    assert.ok(post > order.lastIndexOf('indexChunk'), `after every chunk's index: ${order.join(', ')}`);
    assert.ok(post < order.indexOf('archiveSeries'), `before the archive: ${order.join(', ')}`);
    assert.deepEqual(fake.callsOf('postprocessSeries')[0]!.args, ['python3 summarize.py']);
    assert.deepEqual(
      fake.postprocessOutcomes.map((o) => [o.state, o.exitCode ?? null]),
      [
        ['running', null],
        ['succeeded', 0],
      ],
    );
    const [running, ended] = fake.postprocessOutcomes;
    assert.equal(ended!.startedAt, running!.startedAt);
    assert.ok(ended!.endedAt, 'the end is stamped');
  });

  test('a command that exits non-zero is recorded failed; the series still completes and archives', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, { count: 2, postprocess: { command: 'false', exitCode: 3 } });
    assert.equal(await (await testbed.startSeries(id)).result(), 'completed');
    assert.deepEqual(
      fake.postprocessOutcomes.map((o) => [o.state, o.exitCode ?? null]),
      [
        ['running', null],
        ['failed', 3],
      ],
    );
    assert.equal(fake.callsOf('archiveSeries').length, 1);
    assert.equal(fake.state, 'completed');
  });

  test('a host step that fails is recorded failed without an exit code; the series still completes', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, {
      count: 2,
      postprocess: { command: 'true', error: 'the series directory is gone' },
    });
    assert.equal(await (await testbed.startSeries(id)).result(), 'completed');
    assert.deepEqual(
      fake.postprocessOutcomes.map((o) => [o.state, o.exitCode ?? null]),
      [
        ['running', null],
        ['failed', null],
      ],
    );
    assert.equal(fake.callsOf('archiveSeries').length, 1);
  });

  test('a cancelled series does not post-process', async () => {
    const { fake, id, release } = twoChunkSeries(testbed, { postprocess: { command: 'true' } });
    const handle = await testbed.startSeries(id);
    await waitFor(
      () => fake.callsOf('pollChunks').some((call) => call.workflowId === chunkWorkflowId(id, 1)),
      { what: 'chunk 1 polling', lastSeen: () => activities(fake.calls) },
    );
    await handle.cancel();
    const failure = await handle.result().then(
      () => assert.fail('a cancelled series has no result'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof WorkflowFailedError, String(failure));
    release();
    assert.equal(fake.state, 'cancelled');
    assert.deepEqual(fake.callsOf('postprocessSeries'), []);
    assert.deepEqual(fake.postprocessOutcomes, []);
  });

  test('a series whose application declares no command never post-processes', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, { count: 2 });
    assert.equal(await (await testbed.startSeries(id)).result(), 'completed');
    assert.deepEqual(fake.callsOf('postprocessSeries'), []);
    assert.deepEqual(fake.callsOf('recordPostprocess'), []);
  });

  test('on demand: the step runs again for an ended series, then the archive is rebuilt', async () => {
    const id = newSeriesId();
    const fake = testbed.world.add(id, { count: 1, postprocess: { command: 'true', exitCode: 0 } });
    assert.equal(await (await testbed.startSeries(id)).result(), 'completed');
    const before = fake.calls.length;
    const state = await testbed.env.client.workflow.execute('postprocessWorkflow', {
      taskQueue: CONTROL_TASK_QUEUE,
      workflowId: postprocessWorkflowId(id),
      args: [id],
    });
    assert.equal(state, 'succeeded');
    assert.deepEqual(activities(fake.calls.slice(before)), [
      'loadSeries',
      'recordPostprocess',
      'postprocessSeries',
      'recordPostprocess',
      'archiveSeries',
    ]);
  });
});
