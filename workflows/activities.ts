// Activity proxies with the timeouts and retry policies each kind of step needs.
// Bad input (type `BadInput`) is never retried; everything else retries with back-off,
// because every activity is idempotent.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ControlActivities } from '../activities/control/types.ts';
import type { HostActivities } from '../activities/host/types.ts';
import { CONTROL_TASK_QUEUE, hostTaskQueue } from './shared.ts';

const retry: ActivityOptions['retry'] = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: ['BadInput'],
};

/** Quick database steps. */
export const control = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '30 seconds',
  retry,
});

/** Database steps that scale with the series (run rows, file index, archive): they heartbeat. */
export const controlLong = proxyActivities<ControlActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '15 seconds',
  retry,
});

/** Host steps on the worker next to the host. Polls are short so a lost worker is noticed soon. */
export function hostActivities(hostName: string) {
  const taskQueue = hostTaskQueue(hostName);
  return {
    quick: proxyActivities<HostActivities>({
      taskQueue,
      startToCloseTimeout: '30 seconds',
      scheduleToCloseTimeout: '1 day',
      retry,
    }),
    long: proxyActivities<HostActivities>({
      taskQueue,
      startToCloseTimeout: '6 hours',
      heartbeatTimeout: '15 seconds',
      retry,
    }),
  };
}
