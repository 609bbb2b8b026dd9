// The series' facts: who, what, where, when, and its state with the reason (kept live by series.js).
import { StateBadge, Tags } from '../../components.tsx';
import type { SeriesRow } from '../../data/series.ts';
import { formatTime } from '../../format.ts';
import { HostSplit, type RunsPerHost } from './host-split.tsx';

export function SeriesFacts(props: { series: SeriesRow; hostSplit?: RunsPerHost | undefined }) {
  const { series: s } = props;
  return (
    <div class="card">
      <dl class="facts">
        <dt>Series</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
        <dt>Owner</dt>
        <dd>{s.owner}</dd>
        <dt>Application</dt>
        <dd>{s.application}</dd>
        {props.hostSplit ? (
          <HostSplit split={props.hostSplit} />
        ) : (
          <>
            <dt>Host</dt>
            <dd>{s.host}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatTime(s.createdAt)}</dd>
        {s.finishedAt ? (
          <>
            <dt>Finished</dt>
            <dd>{formatTime(s.finishedAt)}</dd>
          </>
        ) : null}
        {s.priority !== 'normal' ? (
          <>
            <dt>Priority</dt>
            <dd data-priority={s.priority}>{s.priority}</dd>
          </>
        ) : null}
        {s.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>
              <Tags tags={s.tags} />
            </dd>
          </>
        ) : null}
        {s.parentId ? (
          <>
            <dt>Cloned from</dt>
            <dd>
              <a href={`/series/${encodeURIComponent(s.parentId)}`}>{s.parentId}</a>
            </dd>
          </>
        ) : null}
        <dt>State</dt>
        <dd>
          <span data-series-state="">
            <StateBadge state={s.state} />
          </span>{' '}
          <span class="muted small" data-series-reason="">
            {s.reason ?? ''}
          </span>{' '}
          {/* Why it does not move on yet: a quota (queued) or the host's load, pool or scheduler. */}
          <span class="small" data-series-wait-reason="" hidden={!s.waitReason}>
            {s.waitReason ? `Waiting: ${s.waitReason}` : ''}
          </span>
        </dd>
      </dl>
    </div>
  );
}
