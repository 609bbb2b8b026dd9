// Which events are delivered, and whether by mail (the bell shows every event regardless).
import { NOTIFY_EVENTS } from '../../../activities/notify/notify-series.ts';
import { EVENT_LABELS, type NotificationsPageProps } from './types.ts';

export function SettingsSection(props: Pick<NotificationsPageProps, 'settings' | 'smtpConfigured'>) {
  const { settings } = props;
  return (
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title" style="margin-top:0">
        Delivery settings
      </h2>
      <form id="notify-settings">
        <fieldset>
          <legend>Events delivered by mail and webhooks</legend>
          {NOTIFY_EVENTS.map((event) => (
            <label class="check">
              <input type="checkbox" name="events" value={event} checked={settings.events.includes(event)} />{' '}
              {EVENT_LABELS[event]}
            </label>
          ))}
        </fieldset>
        <label for="notify-email">Mail address</label>
        <input
          id="notify-email"
          name="email"
          type="email"
          value={settings.email ?? ''}
          placeholder="you@lab.example"
        />
        <label class="check">
          <input type="checkbox" name="sendEmail" checked={settings.sendEmail} /> Send these events by mail
        </label>
        {props.smtpConfigured ? null : (
          <p class="muted small">
            This server has no mail server configured (TUPLET_SMTP_HOST): no mail is sent.
          </p>
        )}
        <p>
          <button type="submit">Save</button>
        </p>
      </form>
    </section>
  );
}
