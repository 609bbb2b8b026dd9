// The API's host check: a short workflow whose one activity runs on the host's own worker.
import type { Client } from '@temporalio/client';
import type { HostCheck } from '../activities/host/types.ts';
import type { HostSpec } from '../hosts/executor.ts';
import { CONTROL_TASK_QUEUE } from '../core/naming.ts';

export function checkHostThroughWorker(temporal: Client, host: HostSpec): Promise<HostCheck> {
  return temporal.workflow.execute('hostCheckWorkflow', {
    taskQueue: CONTROL_TASK_QUEUE,
    workflowId: `host-check-${host.name}-${Date.now()}`,
    args: [host],
    workflowExecutionTimeout: '2 minutes',
  });
}
