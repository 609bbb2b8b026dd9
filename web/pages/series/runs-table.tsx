// One page of runs: index, state, parameters, exit code, duration and the first metrics.
import { formatDuration, formatMetric } from '../../format.ts';
import type { SeriesPageProps } from './props.ts';
import { ReusedLink } from '../run/reused.tsx';
import { RunCells } from './run-cells.tsx';

export function RunsTable(props: SeriesPageProps & { base: string }) {
  const { page, parameters, metrics } = props;
  if (page.runs.length === 0) return <p class="card muted">No runs here.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th class="num">#</th>
            <th>State</th>
            {parameters.map((p) => (
              <th title={p.name}>{p.name}</th>
            ))}
            <th class="num">Exit</th>
            <th class="num">Duration</th>
            {metrics.slice(0, 8).map((m) => (
              <th class="num" title={m}>
                {m}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.runs.map((r) => (
            <tr>
              <RunCells base={props.base} run={r}>
                <ReusedLink run={r} />
                {r.reason && r.reason.toLowerCase() !== r.state ? (
                  <span class="small muted"> {r.reason}</span>
                ) : null}
              </RunCells>
              {parameters.map((p) => (
                <td>{r.params[p.name] ?? ''}</td>
              ))}
              <td class="num">{r.exitCode ?? ''}</td>
              <td class="num">
                {formatDuration(
                  r.startedAt && r.endedAt ? r.endedAt.getTime() - r.startedAt.getTime() : null,
                )}
              </td>
              {metrics.slice(0, 8).map((m) => (
                <td class="num">{formatMetric(r.metrics?.[m])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
