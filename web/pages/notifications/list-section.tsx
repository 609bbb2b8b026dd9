// The bell's entries: the user's own series that ended or were held, newest first.
import { formatTime } from '../../format.ts';
import { EVENT_LABELS, type NotificationsPageProps } from './types.ts';

export function NotificationList(props: Pick<NotificationsPageProps, 'notifications' | 'unread'>) {
  return (
    <section aria-labelledby="bell-title">
      <div class="row">
        <h2 id="bell-title" class="grow">
          Notifications <span class="muted small" data-unread-total>{`${props.unread} unread`}</span>
        </h2>
        {props.unread > 0 ? (
          <button
            class="secondary"
            data-action="POST /api/v1/me/notifications/read"
            data-body='{"all":true}'
            data-done="Marked read"
          >
            Mark all read
          </button>
        ) : null}
      </div>
      {props.notifications.length ? (
        <ul class="notifications">
          {props.notifications.map((n) => (
            <li class={n.readAt ? 'read' : 'unread'} data-notification={n.id}>
              <a href={`/series/${encodeURIComponent(n.seriesId)}`}>{n.seriesDescription || n.seriesId}</a> —{' '}
              {EVENT_LABELS[n.event].toLowerCase()} <span class="muted small">{formatTime(n.createdAt)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="card">No notifications yet: they come when your series end.</p>
      )}
    </section>
  );
}
