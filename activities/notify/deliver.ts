// The delivery activities: one attempt at a mail or a webhook, counted in the deliveries log.
import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/client.ts';
import {
  findDeliveryJob,
  findWebhook,
  giveUpDelivery,
  recordDeliveryAttempt,
  type DeliveryJob,
} from '../../db/notifications.ts';
import { countRunsByState } from '../../db/runs.ts';
import type { Logger } from '../../log.ts';
import { sendMail } from './mail.ts';
import { factsOf, mailSubject, mailText } from './message.ts';
import type { NotifyActivities } from './types.ts';
import { DELIVERY_REFUSED } from '../../core/notifications.ts';
import { postWebhook } from './webhook.ts';
import { signBody, webhookKey, webhookSecret } from './webhook-key.ts';
import { parseWebhookUrl, resolveWebhookTarget, WebhookTargetError } from './webhook-target.ts';

export type NotifySettingsConfig = Pick<
  Config,
  'notify' | 'payloadKey' | 'dataDir' | 'publicUrl' | 'listenHost' | 'port'
>;

export interface NotifyDeps {
  db: Database;
  config: NotifySettingsConfig;
  logger: Logger;
}

/** What no retry can fix: recorded, then the workflow gives the delivery up at once. */
function refused(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, DELIVERY_REFUSED);
}

/** Where mails and webhooks link the series' page. */
export function baseUrlOf(config: NotifySettingsConfig): string {
  if (config.publicUrl) return config.publicUrl.toString();
  const host = ['0.0.0.0', '::'].includes(config.listenHost) ? '127.0.0.1' : config.listenHost;
  return `http://${host}:${config.port}/`;
}

export function createNotifyActivities({ db, config, logger }: NotifyDeps): NotifyActivities {
  async function attempt(job: DeliveryJob): Promise<void> {
    const counts = (await countRunsByState(db, [{ id: job.series.id }])).get(job.series.id)!;
    const facts = factsOf(job, counts, baseUrlOf(config));
    const { delivery } = job;
    if (delivery.channel === 'email') {
      const smtp = config.notify.smtp;
      if (!smtp) throw refused('no SMTP server is configured (TUPLET_SMTP_HOST)');
      // The address recorded with the delivery (the deliveries log shows it).
      await sendMail(smtp, {
        to: delivery.target,
        subject: mailSubject(facts),
        text: mailText(facts),
        id: delivery.id,
      });
      return;
    }
    const webhook = await findWebhook(db, delivery.target);
    if (!webhook || webhook.userId !== job.userId) throw refused(`webhook ${delivery.target} was deleted`);
    let targets;
    let url;
    try {
      url = parseWebhookUrl(webhook.url);
      targets = await resolveWebhookTarget(url, config.notify.webhookAllow);
    } catch (error) {
      if (error instanceof WebhookTargetError) throw refused(error.message);
      throw error;
    }
    const sentAt = new Date();
    // The body carries its own id and sending time, so the signature covers both: a receiver
    // drops a body seen before (the id) or too old (sentAt) — replays of a captured request.
    const body = JSON.stringify({ id: delivery.id, ...facts, sentAt: sentAt.toISOString() });
    const secret = webhookSecret(await webhookKey(config), webhook.id);
    await postWebhook(url, targets, body, {
      'x-tuplet-signature': signBody(secret, body),
      'x-tuplet-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'x-tuplet-delivery': delivery.id,
      'x-tuplet-event': facts.event,
    });
  }

  return {
    async deliverNotification(deliveryId) {
      const job = await findDeliveryJob(db, deliveryId);
      if (!job || job.delivery.state !== 'pending') return;
      try {
        await attempt(job);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await recordDeliveryAttempt(db, deliveryId, message);
        logger.warn(
          { delivery: deliveryId, channel: job.delivery.channel, series: job.series.id, error: message },
          'a notification delivery failed',
        );
        throw error;
      }
      await recordDeliveryAttempt(db, deliveryId, null);
    },
    giveUpDelivery: (deliveryId) => giveUpDelivery(db, deliveryId),
  };
}
