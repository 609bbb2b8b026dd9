// One time-skipping Temporal server and the two workers a series needs (the control queue
// with the real workflow bundle, the fake host's queue), with stub activities from
// fake-host.ts. For a test file:
//   const testbed = await startTestbed();
//   after(() => testbed.stop());
//   const fake = testbed.world.add(id, { count: 3, script });
//   const handle = await testbed.startSeries(id);
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { CONTROL_TASK_QUEUE, hostTaskQueue, seriesWorkflowId } from '../../core/naming.ts';
import { workflowBundle } from '../../workers/bundle.ts';
import type { seriesWorkflow } from '../../workflows/series.ts';
import type { SeriesProgress, SeriesWorkflowInput } from '../../workflows/shared.ts';
import { progressQueryName } from '../../workflows/shared.ts';
import { startTimeSkipping } from '../support/time-skipping.ts';
import { FAKE_HOST, FakeWorld } from './fake-host.ts';

export interface Testbed {
  env: TestWorkflowEnvironment;
  world: FakeWorld;
  /** Starts the series workflow as the API does; `input` for a rerun or a resumed run. */
  startSeries(
    seriesId: string,
    input?: Omit<SeriesWorkflowInput, 'seriesId'>,
  ): Promise<WorkflowHandle<typeof seriesWorkflow>>;
  progress(handle: WorkflowHandle): Promise<SeriesProgress>;
  stop(): Promise<void>;
}

export function newSeriesId(): string {
  return randomUUID();
}

export async function startTestbed(): Promise<Testbed> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    // Core warns on every worker start that the test server does not advertise a capability
    // of Temporal Server ≥ 1.16 (heartbeat details on failure), which these tests do not use.
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const env = await startTimeSkipping();
  const world = new FakeWorld();
  const [control, host] = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: CONTROL_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities: world.controlActivities(),
    }),
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: hostTaskQueue(FAKE_HOST),
      activities: world.hostActivities(),
    }),
  ]);
  const running = Promise.all([control.run(), host.run()]);
  return {
    env,
    world,
    startSeries: (seriesId, input = {}) =>
      env.client.workflow.start<typeof seriesWorkflow>('seriesWorkflow', {
        taskQueue: CONTROL_TASK_QUEUE,
        workflowId: seriesWorkflowId(seriesId),
        args: [{ ...input, seriesId }],
      }),
    progress: (handle) => handle.query<SeriesProgress>(progressQueryName),
    async stop() {
      control.shutdown();
      host.shutdown();
      await running;
      await env.teardown();
    },
  };
}
