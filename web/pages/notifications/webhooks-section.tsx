// The user's webhooks: add one (its signing secret is shown once), delete one.
import { formatTime } from '../../format.ts';
import type { NotificationsPageProps } from './types.ts';

export function WebhooksSection(props: Pick<NotificationsPageProps, 'webhooks'>) {
  return (
    <section class="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title" style="margin-top:0">
        Webhooks
      </h2>
      <p class="muted small">
        Each chosen event is POSTed as JSON, signed in <code>X-Tuplet-Signature</code> (HMAC-SHA256 of the
        body with the webhook's secret). See docs/notifications.md for how to verify it.
      </p>
      {props.webhooks.length ? (
        <ul>
          {props.webhooks.map((w) => (
            <li>
              <code>{w.url}</code> <span class="muted small">{formatTime(w.createdAt)}</span>{' '}
              <button
                class="secondary"
                data-action={`DELETE /api/v1/me/webhooks/${encodeURIComponent(w.id)}`}
                data-confirm={`Delete the webhook ${w.url}?`}
                data-done="Deleted"
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form id="new-webhook" class="row">
        <div class="grow">
          <label for="webhook-url">URL</label>
          <input
            id="webhook-url"
            name="url"
            type="url"
            required
            placeholder="https://chat.lab.example/hooks/tuplet"
          />
        </div>
        <div>
          <button type="submit">Add</button>
        </div>
      </form>
      <div id="webhook-secret" hidden>
        <p>The webhook's signing secret: copy it now, it will not be shown again.</p>
        <p class="token-once">
          <code data-secret=""></code>
        </p>
        <p>
          <a href="/notifications">Done</a>
        </p>
      </div>
    </section>
  );
}
