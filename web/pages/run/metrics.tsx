// The metrics a run reported in metrics.json, or how to report them.
import { formatMetric } from '../../format.ts';

export function RunMetrics(props: { metrics: Record<string, unknown> | null }) {
  const metrics = Object.entries(props.metrics ?? {});
  return (
    <div class="card">
      <h2 style="margin-top:0">Metrics</h2>
      {metrics.length ? (
        <dl class="facts">
          {metrics.map(([k, v]) => (
            <>
              <dt class="wrap">{k}</dt>
              <dd>{formatMetric(v)}</dd>
            </>
          ))}
        </dl>
      ) : (
        <p class="muted small">
          None: a run reports metrics by writing a flat JSON object to <code>metrics.json</code>.
        </p>
      )}
    </div>
  );
}
