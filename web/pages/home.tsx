// Home: everyone's latest series, newest first, with search and filters. Progress of the
// unfinished rows is refreshed by home.js from /web-api/progress.
import { SERIES_STATES } from '../../workflows/shared.ts';
import { ProgressBar, StateBadge, Tags } from '../components.tsx';
import type { AuthUser, RunCounts } from '../context.ts';
import { emptyCounts } from '../../db/series.ts';
import { formatTime, isFinal, stateLabel } from '../format.ts';
import { Layout } from '../layout.tsx';
import type { SeriesFilter, SeriesListRow } from '../data/series.ts';

export interface HomeProps {
  user: AuthUser;
  csrf: string;
  filter: SeriesFilter & { mine: boolean };
  rows: SeriesListRow[];
  counts: Map<string, RunCounts>;
  more: boolean;
  page: number;
  hosts: string[];
  applications: string[];
  /** No series at all yet (not just none matching the filter). */
  nothingYet: boolean;
}

export function HomePage(props: HomeProps) {
  const { filter } = props;
  const query = (page: number) => {
    const p = new URLSearchParams();
    if (filter.q) p.set('q', filter.q);
    if (filter.mine) p.set('mine', '1');
    if (filter.state) p.set('state', filter.state);
    if (filter.host) p.set('host', filter.host);
    if (filter.application) p.set('application', filter.application);
    if (page > 1) p.set('page', String(page));
    const s = p.toString();
    return s ? `/?${s}` : '/';
  };
  return (
    <Layout title="Series" user={props.user} csrf={props.csrf} active="series" scripts={['home.js']}>
      <div class="row" style="justify-content:space-between;align-items:center">
        <h1>Series</h1>
        <a class="button" href="/series/new">
          New series
        </a>
      </div>
      <form class="card row" method="get" action="/" role="search">
        <div class="grow" style="flex-basis:16rem">
          <label for="q">Search</label>
          <input
            id="q"
            name="q"
            type="search"
            value={filter.q ?? ''}
            placeholder="words in description, tags, application, owner"
          />
        </div>
        <div>
          <label for="state">State</label>
          <select id="state" name="state">
            <option value="">any</option>
            {SERIES_STATES.map((s) => (
              <option value={s} selected={filter.state === s}>
                {stateLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="host">Host</label>
          <select id="host" name="host">
            <option value="">any</option>
            {props.hosts.map((h) => (
              <option value={h} selected={filter.host === h}>
                {h}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="application">Application</label>
          <select id="application" name="application">
            <option value="">any</option>
            {props.applications.map((a) => (
              <option value={a} selected={filter.application === a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label>
            <input type="checkbox" name="mine" value="1" checked={filter.mine} /> Mine only
          </label>
        </div>
        <div>
          <button type="submit">Search</button>
        </div>
      </form>

      {props.nothingYet ? (
        <EmptyState />
      ) : props.rows.length === 0 ? (
        <p class="card">
          No series match. <a href="/">Show all series</a>
        </p>
      ) : (
        <div class="table-wrap">
          <table class="series-list">
            <thead>
              <tr>
                <th>Description</th>
                <th>Owner</th>
                <th class="hide-narrow">Application</th>
                <th class="hide-narrow">Host</th>
                <th class="num">Runs</th>
                <th>Progress</th>
                <th>State</th>
                <th class="hide-narrow">Created</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => {
                const counts = props.counts.get(row.id) ?? emptyCounts();
                return (
                  <tr data-series={row.id} data-final={isFinal(row.state) ? '1' : '0'}>
                    <td>
                      <a class="desc" href={`/series/${encodeURIComponent(row.id)}`}>
                        {row.description || `Series ${row.id}`}
                      </a>{' '}
                      <Tags tags={row.tags} />
                    </td>
                    <td>{row.owner}</td>
                    <td class="hide-narrow">{row.application}</td>
                    <td class="hide-narrow">{row.host}</td>
                    <td class="num">{row.count.toLocaleString('en')}</td>
                    <td style="min-width:9rem">
                      <ProgressBar counts={counts} count={row.count} />
                    </td>
                    <td data-series-state="">
                      <StateBadge state={row.state} />
                    </td>
                    <td class="hide-narrow small muted">{formatTime(row.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {props.page > 1 || props.more ? (
        <nav class="pager" aria-label="Pages">
          {props.page > 1 ? <a href={query(props.page - 1)}>← Newer</a> : null}
          <span class="muted">Page {props.page}</span>
          {props.more ? <a href={query(props.page + 1)}>Older →</a> : null}
        </nav>
      ) : null}
    </Layout>
  );
}

function EmptyState() {
  return (
    <div class="card empty">
      <h2>No series yet</h2>
      <p>A series runs one program once for every combination of the values listed in an INI file.</p>
      <p>
        <a class="button" href="/series/new?example=1">
          Launch the example series
        </a>
      </p>
      <p class="muted small">
        It opens the form with an example INI file; choose the host, then Launch. From a terminal:
      </p>
      <pre>{'tuplet submit examples/sweep.ini --app example --host local --wait'}</pre>
    </div>
  );
}
