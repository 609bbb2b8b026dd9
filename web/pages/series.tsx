// A series: state, counts and progress (live through server-sent events), actions, the
// parameter map (drawn by series.js from /web-api/…/map) and the runs table, paged by index.
import { RUN_STATES, type RunState } from '../../workflows/shared.ts';
import { CountsList, ProgressBar, StateBadge, Tags } from '../components.tsx';
import type { AuthUser, RunCounts } from '../context.ts';
import type { RunsPage } from '../data/runs.ts';
import type { SeriesRow } from '../data/series.ts';
import { formatDuration, formatMetric, formatTime, isFinal, stateLabel } from '../format.ts';
import { Layout } from '../layout.tsx';

export interface SeriesPageProps {
  user: AuthUser;
  csrf: string;
  series: SeriesRow;
  counts: RunCounts;
  parameters: Array<{ name: string; values: string[] }>;
  metrics: string[];
  page: RunsPage;
  stateFilter?: RunState;
  canModify: boolean;
  temporalUrl?: string;
}

export function SeriesPage(props: SeriesPageProps) {
  const { series: s, counts, page } = props;
  const base = `/series/${encodeURIComponent(s.id)}`;
  const final = isFinal(s.state);
  const runsLink = (q: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams();
    if (props.stateFilter) p.set('state', props.stateFilter);
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    const str = p.toString();
    return `${base}${str ? `?${str}` : ''}#runs`;
  };
  const title = s.description || `Series ${s.id}`;
  return (
    <Layout title={title} user={props.user} csrf={props.csrf} active="series" scripts={['series.js']}>
      <div id="series" data-id={s.id} data-final={final ? '1' : '0'}>
        <h1>
          {title} <StateBadge state={s.state} />
        </h1>
        <div class="grid2">
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
              <dt>Host</dt>
              <dd>{s.host}</dd>
              <dt>Created</dt>
              <dd>{formatTime(s.createdAt)}</dd>
              {s.finishedAt ? (
                <>
                  <dt>Finished</dt>
                  <dd>{formatTime(s.finishedAt)}</dd>
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
                </span>
              </dd>
            </dl>
          </div>
          <div class="card">
            <ProgressBar counts={counts} count={s.count} big label="Runs of this series finished" />
            <CountsList counts={counts} />
            <div class="actions" id="series-actions">
              {props.canModify && !final ? (
                <button
                  class="danger"
                  data-action={`POST /api/v1/series/${s.id}/cancel`}
                  data-confirm="Cancel every run of this series?"
                  data-done="Cancellation requested"
                  data-then="none"
                  id="cancel"
                >
                  Cancel
                </button>
              ) : null}
              {props.canModify && final && counts.failed + counts.cancelled > 0 ? (
                <button
                  data-action={`POST /api/v1/series/${s.id}/rerun`}
                  data-body={JSON.stringify({ states: ['failed', 'cancelled'] })}
                  data-done="Rerun started"
                  id="rerun"
                >
                  {counts.cancelled > 0 ? 'Rerun failed and cancelled' : 'Rerun failed'}
                </button>
              ) : null}
              <a class="button secondary" href={`/series/new?from=${encodeURIComponent(s.id)}`} id="clone">
                Clone with changes
              </a>
              {s.archivePath ? (
                <a
                  class="button secondary"
                  href={`/api/v1/series/${encodeURIComponent(s.id)}/archive`}
                  download=""
                >
                  Download archive
                </a>
              ) : null}
              <a
                class="button secondary"
                href={`/web-api/series/${encodeURIComponent(s.id)}/runs.csv`}
                download=""
              >
                CSV
              </a>
              {props.temporalUrl ? (
                <a class="button secondary" href={props.temporalUrl} target="_blank" rel="noopener">
                  Temporal UI
                </a>
              ) : null}
            </div>
          </div>
        </div>

        {props.parameters.length > 0 ? (
          <section class="card" aria-labelledby="map-title">
            <h2 id="map-title">Parameter map</h2>
            <div class="map-controls" id="map-controls">
              <div>
                <label for="map-x">Columns</label>
                <select id="map-x">
                  {props.parameters.map((p, i) => (
                    <option value={p.name} selected={i === 0}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </div>
              {props.parameters.length > 1 ? (
                <div>
                  <label for="map-y">Rows</label>
                  <select id="map-y">
                    {props.parameters.map((p, i) => (
                      <option value={p.name} selected={i === 1}>
                        {p.name}
                      </option>
                    ))}
                  </select>
                </div>
              ) : null}
              <div>
                <label for="map-color">Colour by</label>
                <select id="map-color">
                  <option value="">run state</option>
                  {props.metrics.map((m) => (
                    <option value={m}>{`metric: ${m}`}</option>
                  ))}
                </select>
              </div>
              <div id="map-fixed" style="display:contents"></div>
            </div>
            <div class="map-wrap" id="map" aria-live="polite">
              <p class="muted" style="padding:0.6rem">
                Loading the map…
              </p>
            </div>
            <div class="legend" id="map-legend"></div>
          </section>
        ) : null}

        <section aria-labelledby="runs-title" id="runs">
          <h2 id="runs-title">Runs</h2>
          <nav class="pager" aria-label="Filter runs by state">
            <a href={`${base}#runs`} aria-current={props.stateFilter ? undefined : 'page'}>
              all
            </a>
            {RUN_STATES.map((st) => (
              <a
                href={`${base}?state=${st}#runs`}
                aria-current={props.stateFilter === st ? 'page' : undefined}
              >
                {`${stateLabel(st)} (${counts[st].toLocaleString('en')})`}
              </a>
            ))}
          </nav>
          <RunsTable {...props} base={base} />
          <nav class="pager" aria-label="Runs pages">
            {page.prev !== null ? <a href={runsLink({ before: page.prev })}>← Previous</a> : null}
            {page.runs.length ? (
              <span class="muted">
                runs {page.runs[0]!.index}–{page.runs.at(-1)!.index}
              </span>
            ) : null}
            {page.next !== null ? <a href={runsLink({ from: page.next })}>Next →</a> : null}
            <form method="get" action={`${base}#runs`} class="row" style="gap:0.3rem;align-items:center">
              {props.stateFilter ? <input type="hidden" name="state" value={props.stateFilter} /> : null}
              <label for="jump" style="margin:0">
                Go to run
              </label>
              <input id="jump" name="from" type="number" min="0" max={s.count - 1} style="width:7rem" />
            </form>
          </nav>
        </section>

        <details class="card">
          <summary>INI template</summary>
          <pre>{s.ini}</pre>
        </details>
      </div>
    </Layout>
  );
}

function RunsTable(props: SeriesPageProps & { base: string }) {
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
              <td class="num">
                <a href={`${props.base}/runs/${r.index}`}>{r.index}</a>
              </td>
              <td>
                <StateBadge state={r.state} />
                {r.reason && r.reason.toLowerCase() !== r.state ? (
                  <span class="small muted"> {r.reason}</span>
                ) : null}
              </td>
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
