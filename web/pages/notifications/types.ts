// What the notifications page shows: the bell's entries, the settings, webhooks, deliveries.
import type { AuthUser } from '../../context.ts';
import type {
  DeliveryLogEntry,
  NotificationEntry,
  NotifyEvent,
  WebhookRow,
} from '../../../db/notifications.ts';

export interface NotificationsPageProps {
  user: AuthUser;
  csrf: string;
  notifications: NotificationEntry[];
  unread: number;
  settings: { email: string | null; sendEmail: boolean; events: readonly NotifyEvent[] };
  smtpConfigured: boolean;
  webhooks: WebhookRow[];
  deliveries: DeliveryLogEntry[];
}

export const EVENT_LABELS: Record<NotifyEvent, string> = {
  succeeded: 'Series succeeded',
  failed: 'Series failed (or some runs failed)',
  cancelled: 'Series cancelled',
  held: 'Series held in the queue',
};
