// A run's facts: directory, parameter values, exit code, reason, timing, attempt and host.
import type { RunRow } from '../../../db/runs.ts';
import { formatDuration, formatTime } from '../../format.ts';

export function RunFacts(props: { run: RunRow }) {
  const { run: r } = props;
  return (
    <div class="card">
      <dl class="facts">
        <dt>Directory</dt>
        <dd>
          <code>{r.dir}</code>
        </dd>
        {Object.entries(r.params).map(([k, v]) => (
          <>
            <dt class="wrap">{k}</dt>
            <dd>
              <strong>{v}</strong>
            </dd>
          </>
        ))}
        <dt>Exit code</dt>
        <dd>{r.exitCode ?? '–'}</dd>
        {r.reason ? (
          <>
            <dt>Reason</dt>
            <dd>{r.reason}</dd>
          </>
        ) : null}
        <dt>Started</dt>
        <dd>{formatTime(r.startedAt) || '–'}</dd>
        <dt>Duration</dt>
        <dd>
          {formatDuration(r.startedAt && r.endedAt ? r.endedAt.getTime() - r.startedAt.getTime() : null) ||
            '–'}
        </dd>
        <dt>Attempt</dt>
        <dd>{r.attempt}</dd>
        <dt>Host</dt>
        <dd data-run-host="">{r.host ?? '–'}</dd>
      </dl>
    </div>
  );
}
