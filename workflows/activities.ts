// Activity proxies with the timeouts and retry policies each kind of step needs.
// Bad input (type `BadInput`) is never retried; everything else retries with back-off,
// because every activity is idempotent.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ControlActivities } from '../activities/control/types.ts';
import type { HostActivities } from '../activities/host/types.ts';
import { CONTROL_TASK_QUEUE, hostTaskQueue } from '../core/naming.ts';

const retry: ActivityOptions['retry'] = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  // Input or configuration a retry cannot fix: bad input, a refused package or submission, and
  // SSH refusals (unknown or changed host key, rejected key). Unreachable hosts are retried.
  nonRetryableErrorTypes: [
    'BadInput',
    'HostInputError',
    'PackageError',
    'SlurmSubmitError',
    'SshAuthError',
    'SshConfigError',
    'HostKeyUnknownError',
    'HostKeyChangedError',
  ],
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

/** The connection test: fails fast when no worker serves the host. */
export function hostCheckActivities(hostName: string) {
  return proxyActivities<HostActivities>({
    taskQueue: hostTaskQueue(hostName),
    scheduleToStartTimeout: '15 seconds',
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 1 },
  });
}

/**
 * Host steps on the worker next to the host. Polls are short so a lost worker is noticed soon.
 * `lostAfterMs` (a series over several hosts, docs/multi-host.md): a step no worker of the host
 * starts within it fails with a schedule-to-start timeout, which Temporal does not retry, so
 * the series can move the chunk to another host instead of waiting for this one.
 */
export function hostActivities(hostName: string, lostAfterMs?: number) {
  const taskQueue = hostTaskQueue(hostName);
  const lost: ActivityOptions = lostAfterMs === undefined ? {} : { scheduleToStartTimeout: lostAfterMs };
  return {
    quick: proxyActivities<HostActivities>({
      taskQueue,
      startToCloseTimeout: '30 seconds',
      scheduleToCloseTimeout: '1 day',
      retry,
      ...lost,
    }),
    long: proxyActivities<HostActivities>({
      taskQueue,
      startToCloseTimeout: '6 hours',
      heartbeatTimeout: '15 seconds',
      retry,
      ...lost,
    }),
  };
}
