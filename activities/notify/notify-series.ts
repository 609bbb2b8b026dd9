// A series' end or hold becomes its owner's notification (the bell's entry) and, for the
// events the owner chose, deliveries by mail and to each of their webhooks, carried out by
// workflow `notify-<notification id>` (workflows/notify.ts). Called from the control
// activities that record those moments; ids are derived from the series, its attempt and the
// event, so an activity that runs twice records and starts nothing twice.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CONTROL_TASK_QUEUE } from '../../core/naming.ts';
import type { SeriesState } from '../../core/states.ts';
import type { Database } from '../../db/client.ts';
import {
  findNotifyPreferences,
  listWebhooks,
  recordNotification,
  type NewDelivery,
  type NotifyEvent,
} from '../../db/notifications.ts';
import { findSeriesRow } from '../../db/series.ts';
import type { Logger } from '../../log.ts';
import type { NotifyWorkflowInput } from './types.ts';

/** Every event a user may choose, in the order settings show them. */
export const NOTIFY_EVENTS = [
  'succeeded',
  'failed',
  'cancelled',
  'held',
] as const satisfies readonly NotifyEvent[];

/** Events that are delivered when the user chose none: the ends they would not want to miss. */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEvent[] = ['succeeded', 'failed'];

/** The event a final series state notifies (a series with failed runs counts as failed). */
export function endEventOf(state: SeriesState): NotifyEvent | undefined {
  switch (state) {
    case 'completed':
      return 'succeeded';
    case 'completed_with_failures':
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      return undefined;
  }
}

export type StartDeliveries = (input: NotifyWorkflowInput) => Promise<void>;

/** Starts the delivery workflow with the worker's own client (inside an activity only). */
export const startDeliveriesFromActivity: StartDeliveries = (input) =>
  startDeliveriesWith(Context.current().client)(input);

/** Starts the delivery workflow with `client` (outside an activity: the reconciler's). */
export const startDeliveriesWith =
  (client: Client): StartDeliveries =>
  async (input) => {
    try {
      await client.workflow.start('notifyWorkflow', {
        taskQueue: CONTROL_TASK_QUEUE,
        workflowId: `notify-${input.notificationId}`,
        // A notification is delivered once, even if this activity runs again after it finished.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [input],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };

export async function notifySeriesEvent(
  deps: { db: Database; logger: Logger; start: StartDeliveries },
  seriesId: string,
  event: NotifyEvent,
): Promise<void> {
  const { db, logger } = deps;
  const series = await findSeriesRow(db, seriesId);
  if (!series) return;
  const preferences = await findNotifyPreferences(db, series.ownerId);
  if (!preferences) return;
  const notificationId = `${seriesId}-${series.attempt}-${event}`;
  const planned: NewDelivery[] = [];
  if ((preferences.notify.events ?? DEFAULT_NOTIFY_EVENTS).includes(event)) {
    if (preferences.notify.email && preferences.email) {
      planned.push({ id: `${notificationId}-email`, channel: 'email', target: preferences.email });
    }
    for (const webhook of await listWebhooks(db, series.ownerId)) {
      planned.push({ id: `${notificationId}-webhook-${webhook.id}`, channel: 'webhook', target: webhook.id });
    }
  }
  const open = await recordNotification(
    db,
    { id: notificationId, userId: series.ownerId, seriesId, event },
    planned,
  );
  if (open.length === 0) return;
  try {
    await deps.start({ notificationId, deliveryIds: open });
  } catch (error) {
    // The series' end is recorded whatever happens here: a notification never holds it up.
    // The deliveries stay `pending` in the user's log.
    logger.error({ err: error, notificationId }, 'could not start the delivery of a notification');
  }
}
