// The notifications page (the bell's target): the user's notifications, delivery settings,
// webhooks and the log of deliveries.
import { Layout } from '../layout.tsx';
import { DeliveriesSection } from './notifications/deliveries-section.tsx';
import { NotificationList } from './notifications/list-section.tsx';
import { SettingsSection } from './notifications/settings-section.tsx';
import type { NotificationsPageProps } from './notifications/types.ts';
import { WebhooksSection } from './notifications/webhooks-section.tsx';

export type { NotificationsPageProps } from './notifications/types.ts';

export function NotificationsPage(props: NotificationsPageProps) {
  return (
    <Layout
      title="Notifications"
      user={props.user}
      csrf={props.csrf}
      active="notifications"
      scripts={['notifications.js']}
    >
      <h1>Notifications</h1>
      <NotificationList notifications={props.notifications} unread={props.unread} />
      <SettingsSection settings={props.settings} smtpConfigured={props.smtpConfigured} />
      <WebhooksSection webhooks={props.webhooks} />
      <DeliveriesSection deliveries={props.deliveries} webhooks={props.webhooks} />
    </Layout>
  );
}
