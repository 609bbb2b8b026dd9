// Workflow `notify-<notification id>`: carries out a notification's deliveries (mail,
// webhooks) each through an activity retried with back-off; a delivery that exhausts its
// attempts or is refused is recorded `failed`. Started by the control activity that records a
// series' end or hold (activities/notify/notify-series.ts), once per notification.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { NotifyActivities, NotifyWorkflowInput } from '../activities/notify/types.ts';
import { DELIVERY_REFUSED } from '../core/notifications.ts';
import { CONTROL_TASK_QUEUE } from '../core/naming.ts';

/** 2 s, 4 s, 8 s … up to an hour apart: a receiver down for most of a day still gets it. */
const attempts = proxyActivities<NotifyActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1h',
    maximumAttempts: 20,
    nonRetryableErrorTypes: [DELIVERY_REFUSED],
  },
});

const bookkeeping = proxyActivities<NotifyActivities>({
  taskQueue: CONTROL_TASK_QUEUE,
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export async function notifyWorkflow(input: NotifyWorkflowInput): Promise<void> {
  await Promise.all(
    input.deliveryIds.map(async (id) => {
      try {
        await attempts.deliverNotification(id);
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        await bookkeeping.giveUpDelivery(id);
      }
    }),
  );
}
