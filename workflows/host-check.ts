// Workflow `host-check-<name>-<time>`: runs the connection test on the worker serving the host,
// so the check uses that worker's keys and network, as the series on that host would.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { HostCheck } from '../activities/host/types.ts';
import type { HostSpec } from '../hosts/executor.ts';
import { hostCheckActivities } from './activities.ts';

export async function hostCheckWorkflow(host: HostSpec): Promise<HostCheck> {
  try {
    return await hostCheckActivities(host.name).checkHost(host);
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
      return {
        ok: false,
        ms: 0,
        error: `no worker serves host ${host.name} (task queue tuplet-host-${host.name}); start \`tuplet worker --host ${host.name}\` next to it`,
        errorType: 'NoWorker',
      };
    }
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
      return { ok: false, ms: 0, error: error.cause.message, errorType: error.cause.type ?? 'Error' };
    }
    throw error;
  }
}
