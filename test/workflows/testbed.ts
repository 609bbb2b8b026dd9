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
import type { SeriesProgress } from '../../workflows/shared.ts';
import { progressQueryName } from '../../workflows/shared.ts';
import { startTimeSkipping } from '../support/time-skipping.ts';
import { FAKE_HOST, FakeWorld } from './fake-host.ts';

export interface Testbed {
  env: TestWorkflowEnvironment;
  world: FakeWorld;
  startSeries(seriesId: string): Promise<WorkflowHandle<typeof seriesWorkflow>>;
  progress(handle: WorkflowHandle): Promise<SeriesProgress>;
  /** The progress, or undefined before the workflow has registered the query (after loading its plan). */
  progressOnceAnswered(handle: WorkflowHandle): Promise<SeriesProgress | undefined>;
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
    startSeries: (seriesId) =>
      env.client.workflow.start<typeof seriesWorkflow>('seriesWorkflow', {
        taskQueue: CONTROL_TASK_QUEUE,
        workflowId: seriesWorkflowId(seriesId),
        args: [{ seriesId }],
      }),
    progress: (handle) => handle.query<SeriesProgress>(progressQueryName),
    progressOnceAnswered: (handle) =>
      handle.query<SeriesProgress>(progressQueryName).catch((error: unknown) => {
        const cause = error instanceof Error ? error.cause : undefined;
        if (String(cause).includes('did not register a handler for progress')) return undefined;
        throw error;
      }),
    async stop() {
      control.shutdown();
      host.shutdown();
      await running;
      await env.teardown();
    },
  };
}
