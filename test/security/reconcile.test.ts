// Item 11 of issue 9: a series whose workflow closed behind the database's back (terminated
// with the Temporal client) is repaired by the reconcile: the row becomes `failed` with a
// reason naming how the workflow ended, its unfinished runs `cancelled`; a series whose
// workflow runs is left alone. Called directly, and by the stack on its own at start-up.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createLogger } from '../../log.ts';
import { reconcileSeries } from '../../workers/reconcile.ts';
import { waitForSeries, type SeriesBody } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

interface SeriesWithReason extends SeriesBody {
  reason: string | null;
  workflowId: string;
}

const ENDED_BEHIND_OUR_BACK =
  /^the workflow ended \(TERMINATED\) without recording the series' end: terminated behind the database's back$/;

describe('the reconcile of series with their workflows', { timeout: 300_000 }, () => {
  const testbed = useTestStack();
  let connection: Connection;
  let client: Client;
  const started: string[] = [];

  before(async () => {
    connection = await Connection.connect({ address: testbed.temporal.address });
    client = new Client({ connection, namespace: testbed.temporal.namespace });
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'sleeper',
      command: 'sleep 60',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });
  after(async () => {
    // Terminating a workflow leaves its runs' processes behind: stop them as cancel would.
    await Promise.all(started.map((id) => stopProcesses(path.join(testbed.stack.dataDir, 'work', id))));
    await connection?.close();
  });

  // One run per series: the local host's pool has a slot per core (2 on CI), so two series
  // of one run each are both running at once; more runs would queue behind each other's.
  const startRunning = async () => {
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'sleeper',
      host: 'local',
      ini: 'n = 1\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    started.push(created.body.id);
    return waitForSeries<SeriesWithReason>(
      testbed.stack,
      created.body.id,
      (s) => (s.counts.running ?? 0) > 0,
    );
  };
  const terminate = (series: SeriesWithReason) =>
    client.workflow.getHandle(series.workflowId).terminate("terminated behind the database's back");
  const seriesBody = async (id: string) =>
    (await testbed.stack.request<SeriesWithReason>('GET', `/api/v1/series/${id}`)).body;

  test('a terminated workflow: its series becomes failed with the reason; a running one is left alone', async () => {
    const [closed, running] = await Promise.all([startRunning(), startRunning()]);
    await terminate(closed);
    assert.equal((await seriesBody(closed.id)).state, 'running', 'the database knows nothing of it yet');

    const repaired = await reconcileSeries({
      db: testbed.stack.stack.database.db,
      temporal: client,
      logger: createLogger('silent', 'reconcile-test'),
    });
    assert.deepEqual(
      repaired.map((r) => [r.seriesId, r.state]),
      [[closed.id, 'failed']],
    );
    const after = await seriesBody(closed.id);
    assert.equal(after.state, 'failed');
    assert.match(after.reason ?? '', ENDED_BEHIND_OUR_BACK);
    assert.equal(after.counts.running + after.counts.queued + after.counts.pending, 0, JSON.stringify(after));
    assert.ok(after.counts.cancelled > 0, JSON.stringify(after.counts));
    assert.equal((await seriesBody(running.id)).state, 'running');

    // Cancelled through the API, the running one ends as always (and stops its processes).
    const cancel = await testbed.stack.request('POST', `/api/v1/series/${running.id}/cancel`, {});
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    await waitForSeries<SeriesBody>(testbed.stack, running.id, (s) => s.state === 'cancelled');
  });

  test('the stack reconciles at start-up on its own', async () => {
    const closed = await startRunning();
    // Closed while no Tuplet process runs: only the reconcile can tell the database.
    await testbed.restartStack(() => terminate(closed));
    const after = await waitForSeries<SeriesWithReason>(
      testbed.stack,
      closed.id,
      (s) => s.state !== 'running',
      60_000,
    );
    assert.equal(after.state, 'failed');
    assert.match(after.reason ?? '', ENDED_BEHIND_OUR_BACK);
  });
});

/** The runner's own cancel of a series directory (kills its runners and runs). */
function stopProcesses(seriesDir: string): Promise<void> {
  return new Promise((resolve) => {
    execFile('bash', [path.join(seriesDir, '.tuplet/tuplet-runner.sh'), 'cancel', seriesDir, '1'], () =>
      resolve(),
    );
  });
}
