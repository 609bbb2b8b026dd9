// GET /notifications: the signed-in user's notifications, settings, webhooks and deliveries.
// Viewing the page marks nothing read: "Mark all read" does (the bell counts until then).
import type { Context } from 'hono';
import { DEFAULT_NOTIFY_EVENTS } from '../../activities/notify/notify-series.ts';
import {
  countUnreadNotifications,
  findNotifyPreferences,
  listDeliveries,
  listNotifications,
  listWebhooks,
} from '../../db/notifications.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { NotificationsPage } from '../pages/notifications.tsx';

export function notificationsPage({ db, config }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const [notifications, unread, preferences, webhooks, deliveries] = await Promise.all([
      listNotifications(db, user.id, { limit: 50 }),
      countUnreadNotifications(db, user.id),
      findNotifyPreferences(db, user.id),
      listWebhooks(db, user.id),
      listDeliveries(db, user.id, 50),
    ]);
    return c.html(
      <NotificationsPage
        user={user}
        csrf={csrf}
        notifications={notifications}
        unread={unread}
        settings={{
          email: preferences?.email ?? null,
          sendEmail: preferences?.notify.email ?? false,
          events: preferences?.notify.events ?? DEFAULT_NOTIFY_EVENTS,
        }}
        smtpConfigured={config.notify.smtp !== undefined}
        webhooks={webhooks}
        deliveries={deliveries}
      />,
    );
  };
}
