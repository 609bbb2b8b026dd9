// The Results tab of a series: a plot chosen in a small form (drawn on the server from the
// aggregates), the results table with sortable headers, a filter box and keyset paging.
import type { Child } from 'hono/jsx';
import type { AuthUser } from '../../context.ts';
import type { ResultNames, ResultsPage as Page } from '../../../db/results.ts';
import type { SeriesRow } from '../../data/series.ts';
import { formatMetric } from '../../format.ts';
import { Layout } from '../../layout.tsx';
import { RunCells } from '../series/run-cells.tsx';
import { ExportLinks } from './export-links.tsx';
import { SeriesTabs } from './tabs.tsx';

export interface PlotChoice {
  kind: 'line' | 'heatmap' | 'scatter';
  metric: string;
  x: string;
  line: string;
  y: string;
  mx: string;
  my: string;
  color: string;
}

export interface ResultsPageProps {
  user: AuthUser;
  csrf: string;
  series: SeriesRow;
  names: ResultNames;
  sort: string | undefined;
  filter: string | undefined;
  page: Page | { error: string };
  plot: Child | { error: string } | undefined;
  choice: PlotChoice;
  /** The request's query string, for the download links of the same plot. */
  plotQuery: string;
}

const isError = (x: unknown): x is { error: string } =>
  typeof x === 'object' && x !== null && 'error' in x && typeof (x as { error: unknown }).error === 'string';

function Select(props: {
  name: string;
  label: string;
  value: string;
  options: readonly string[];
  none?: string;
}) {
  return (
    <div>
      <label for={`plot-${props.name}`}>{props.label}</label>
      <select id={`plot-${props.name}`} name={props.name}>
        {props.none !== undefined ? <option value="">{props.none}</option> : null}
        {props.options.map((o) => (
          <option value={o} selected={o === props.value}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function PlotSection(props: ResultsPageProps & { base: string }) {
  const { names, choice } = props;
  if (names.metrics.length === 0)
    return (
      <section class="card" aria-labelledby="plot-title-h">
        <h2 id="plot-title-h">Plots</h2>
        <p class="muted" id="no-metrics">
          No metrics yet. A run reports metrics by writing <code>metrics.json</code> (a flat JSON object such
          as <code>{'{"period": 1.8}'}</code>) in its directory, or through patterns its application declares
          in <code>metricSources</code>: a regular expression over stdout or the last row of a CSV file. See
          docs/results.md.
        </p>
      </section>
    );
  const params = names.parameters;
  const query = new URLSearchParams(props.plotQuery);
  query.delete('cursor');
  return (
    <section class="card" aria-labelledby="plot-title-h">
      <h2 id="plot-title-h">Plots</h2>
      <form method="get" action={`${props.base}/results`} class="map-controls" id="plot-form">
        {props.filter ? <input type="hidden" name="filter" value={props.filter} /> : null}
        {props.sort ? <input type="hidden" name="sort" value={props.sort} /> : null}
        <Select name="plot" label="Plot" value={choice.kind} options={['line', 'heatmap', 'scatter']} />
        {choice.kind === 'scatter' ? (
          <>
            <Select name="mx" label="x metric" value={choice.mx} options={names.metrics} />
            <Select name="my" label="y metric" value={choice.my} options={names.metrics} />
            <Select name="color" label="Colour by" value={choice.color} options={params} none="nothing" />
          </>
        ) : (
          <>
            <Select name="metric" label="Metric" value={choice.metric} options={names.metrics} />
            <Select
              name="x"
              label={choice.kind === 'heatmap' ? 'Columns' : 'x'}
              value={choice.x}
              options={params}
            />
            {choice.kind === 'heatmap' ? (
              <Select name="y" label="Rows" value={choice.y} options={params} />
            ) : (
              <Select name="line" label="One line per" value={choice.line} options={params} none="nothing" />
            )}
          </>
        )}
        <div>
          <button type="submit">Plot</button>
        </div>
      </form>
      {isError(props.plot) ? (
        <p class="error" role="alert">
          {props.plot.error}
        </p>
      ) : (
        <>
          <div class="plot-wrap" id="plot">
            {props.plot}
          </div>
          <p class="row">
            <a
              href={`${props.base}/results/plot.svg?${query.toString()}`}
              download={`series-${props.series.id}.svg`}
            >
              Download SVG
            </a>
            <button
              type="button"
              id="plot-png"
              data-svg={`${props.base}/results/plot.svg?${query.toString()}`}
            >
              Download PNG
            </button>
          </p>
        </>
      )}
    </section>
  );
}

function ResultsTable(props: ResultsPageProps & { base: string; page: Page }) {
  const { names, page, sort } = props;
  const link = (q: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    if (props.filter) p.set('filter', props.filter);
    for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
    return `${props.base}/results?${p.toString()}#table`;
  };
  const header = (name: string) => {
    const current = sort === name ? 'ascending' : sort === `-${name}` ? 'descending' : undefined;
    const next = sort === name ? `-${name}` : name;
    return (
      <th aria-sort={current} class={names.metrics.includes(name) ? 'num' : undefined}>
        <a href={link({ sort: next })} title={`Sort by ${name}`}>
          {name}
          {current === 'ascending' ? ' ▲' : current === 'descending' ? ' ▼' : ''}
        </a>
      </th>
    );
  };
  return (
    <>
      <div class="table-wrap">
        <table id="results-table">
          <thead>
            <tr>
              <th class="num">
                <a href={link({ sort: sort === 'index' || !sort ? '-index' : undefined })}>#</a>
              </th>
              <th>State</th>
              {names.parameters.map(header)}
              {names.metrics.map(header)}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <tr>
                <RunCells base={props.base} run={r} />
                {names.parameters.map((p) => (
                  <td>{r.params[p] ?? ''}</td>
                ))}
                {names.metrics.map((m) => (
                  <td class="num">{formatMetric(r.metrics?.[m])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.rows.length === 0 ? <p class="muted">No run matches.</p> : null}
      <nav class="pager" aria-label="Results pages">
        {page.prev ? <a href={link({ sort, cursor: page.prev })}>← Previous</a> : null}
        {page.next ? <a href={link({ sort, cursor: page.next })}>Next →</a> : null}
      </nav>
    </>
  );
}

export function ResultsPage(props: ResultsPageProps) {
  const s = props.series;
  const base = `/series/${encodeURIComponent(s.id)}`;
  const title = s.description || `Series ${s.id}`;
  return (
    <Layout
      title={`Results · ${title}`}
      user={props.user}
      csrf={props.csrf}
      active="series"
      scripts={['results.js']}
    >
      <h1>{title}</h1>
      <SeriesTabs base={base} active="results" />
      <PlotSection {...props} base={base} />
      <section aria-labelledby="table-title" id="table">
        <h2 id="table-title">Results</h2>
        <form method="get" action={`${base}/results#table`} class="row" role="search">
          {props.sort ? <input type="hidden" name="sort" value={props.sort} /> : null}
          <label for="filter">Filter</label>
          <input
            id="filter"
            name="filter"
            value={props.filter ?? ''}
            placeholder="period > 1.5 and model.b = 0.02"
            style="min-width:22rem"
          />
          <button type="submit">Apply</button>
        </form>
        <ExportLinks seriesId={s.id} state={s.state} filter={props.filter} />
        {isError(props.page) ? (
          <p class="error" role="alert" id="results-error">
            {props.page.error}
          </p>
        ) : (
          <ResultsTable {...props} base={base} page={props.page} />
        )}
      </section>
    </Layout>
  );
}
