// The control worker: every workflow, and the database activities, on `tuplet-control`.
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { createControlActivities, type ControlDeps } from '../activities/control/index.ts';
import { createNotifyActivities } from '../activities/notify/deliver.ts';
import { CONTROL_TASK_QUEUE } from '../core/naming.ts';
import { HEARTBEAT_THROTTLE_MS } from './heartbeats.ts';

export interface ControlWorkerOptions extends ControlDeps {
  connection: NativeConnection;
  namespace: string;
  /** Tuplet's (temporal/data-converter.ts); the bundle must be built for the same one. */
  dataConverter: DataConverter;
  workflowBundle: WorkflowBundle;
}

export async function createControlWorker(options: ControlWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: CONTROL_TASK_QUEUE,
    workflowBundle: options.workflowBundle,
    dataConverter: options.dataConverter,
    activities: {
      ...createControlActivities(options),
      ...createNotifyActivities({ db: options.db, config: options.notify, logger: options.logger }),
    },
    // Let an in-flight activity finish on Ctrl-C rather than be retried elsewhere.
    shutdownGraceTime: '5s',
    // Beats reach the server as they are made (workers/heartbeats.ts).
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE_MS,
  });
}
