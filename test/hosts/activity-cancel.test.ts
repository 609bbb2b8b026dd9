// Cancelling a workflow whose host activity is in a long exec, on the real Temporal dev server
// and a real sshd: the cancellation reaches the activity through its heartbeats, the exec is
// aborted, and the remote process group is stopped — nothing of the step keeps running on the
// host. The step is a setup whose script starts a `sleep` and writes its PID to the setup log.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { CancelledFailure } from '@temporalio/common';
import type { HostSpec } from '../../hosts/executor.ts';
import { createExecutor } from '../../hosts/index.ts';
import { createLogger } from '../../log.ts';
import { startHostWorker, type RunningHostWorker } from '../../workers/host.ts';
import { sshHostFields, startSshd, type TestSshd } from '../support/sshd.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { waitFor } from '../support/wait.ts';
import { seriesSpec, tempDir } from './helpers.ts';
import { running } from './process-running.ts';
import type { longSetupWorkflow } from './long-step-workflow.ts';

const WORKFLOW_QUEUE = 'test-long-host-step';

void describe('cancelling a workflow in a long host step', { timeout: 300_000 }, () => {
  let temporal: TestTemporal;
  let sshd: TestSshd;
  let root: { dir: string; remove: () => Promise<void> };
  let connection: NativeConnection;
  let hostWorker: RunningHostWorker;
  let workflowWorker: Worker;
  let workflowWorkerDone: Promise<void>;

  before(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    [temporal, sshd, root] = await Promise.all([startTemporal(), startSshd(), tempDir('activity-cancel')]);
    connection = await NativeConnection.connect({ address: temporal.address });
    hostWorker = await startHostWorker({
      connection,
      namespace: temporal.namespace,
      dataConverter: {},
      hostName: 'cancel-box',
      storageDir: path.join(root.dir, 'storage'),
      logger: createLogger('warn'),
    });
    workflowWorker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue: WORKFLOW_QUEUE,
      workflowsPath: fileURLToPath(new URL('./long-step-workflow.ts', import.meta.url)),
    });
    workflowWorkerDone = workflowWorker.run();
  });
  after(async () => {
    if (workflowWorker?.getState() === 'RUNNING') workflowWorker.shutdown();
    await workflowWorkerDone;
    await hostWorker?.shutdown();
    await connection?.close();
    await Promise.all([temporal?.stop(), sshd?.stop()]);
    await root?.remove();
  });

  void test('leaves no process of the step on the host', async () => {
    const host: HostSpec = {
      name: 'cancel-box',
      kind: 'ssh',
      ...sshHostFields(sshd),
      workdir: path.join(root.dir, 'work'),
    };
    const series = seriesSpec(`cancel-${randomUUID()}`, 'x = 1\n', 'true', {
      setup: 'sleep 302.5 &\necho "$!"\nwait',
    });
    // Staged here (the test is about the setup activity, not staging).
    const executor = createExecutor(host);
    let seriesDir: string;
    try {
      ({ seriesDir } = await executor.stageSeries(series));
    } finally {
      await executor.close();
    }

    const client = new Client({
      connection: await Connection.connect({ address: temporal.address }),
      namespace: temporal.namespace,
    });
    try {
      const handle = await client.workflow.start<typeof longSetupWorkflow>('longSetupWorkflow', {
        taskQueue: WORKFLOW_QUEUE,
        workflowId: `long-setup-${series.seriesId}`,
        args: [host, { ...series, ini: '' }],
      });
      const log = path.join(seriesDir, '.tuplet', 'setup.log');
      const pid = await waitFor(
        () => {
          try {
            const printed = Number(readFileSync(log, 'utf8').trim());
            return printed > 0 && running(printed) ? printed : undefined;
          } catch {
            return undefined;
          }
        },
        { what: 'the setup to print the PID of its sleep', timeoutMs: 60_000 },
      );

      await handle.cancel();
      const failure = await handle.result().then(
        () => assert.fail('the cancelled workflow completed'),
        (error: unknown) => error,
      );
      assert.ok(failure instanceof WorkflowFailedError && failure.cause instanceof CancelledFailure);
      // Temporal delivers the cancellation with the activity's next heartbeat (within ~12 s
      // for a 15 s heartbeat timeout); then the exec's group gets TERM.
      await waitFor(() => !running(pid), {
        what: `the setup's sleep (${pid}) to be gone after the cancel`,
        timeoutMs: 60_000,
      });
    } finally {
      await client.connection.close();
    }
  });
});
