// The delivery log: each mail and webhook call, its attempts and last error.
import { formatTime } from '../../format.ts';
import type { NotificationsPageProps } from './types.ts';
import { ListTable } from '../../components.tsx';

export function DeliveriesSection(props: Pick<NotificationsPageProps, 'deliveries' | 'webhooks'>) {
  const urls = new Map(props.webhooks.map((w) => [w.id, w.url]));
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Delivery log</h2>
      {props.deliveries.length ? (
        <ListTable columns={['When', 'Series', 'Event', 'To', 'State', 'Attempts', 'Last error']}>
          {props.deliveries.map((d) => (
            <tr data-delivery={d.id}>
              <td class="small">{formatTime(d.createdAt)}</td>
              <td>
                <a href={`/series/${encodeURIComponent(d.seriesId)}`}>{d.seriesId}</a>
              </td>
              <td>{d.event}</td>
              <td class="small">
                {d.channel === 'email'
                  ? d.target
                  : `webhook ${urls.get(d.target) ?? `${d.target} (deleted)`}`}
              </td>
              <td>
                <span
                  class={`state state-${d.state === 'delivered' ? 'succeeded' : d.state === 'failed' ? 'failed' : 'queued'}`}
                >
                  {d.state}
                </span>
              </td>
              <td>{d.attempts}</td>
              <td class="small">{d.lastError ?? ''}</td>
            </tr>
          ))}
        </ListTable>
      ) : (
        <p class="muted">Nothing delivered yet.</p>
      )}
    </section>
  );
}
