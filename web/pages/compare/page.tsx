// /compare?a=ID&b=ID: two series side by side — which series, the changed parameters, the INI
// diff, the tuple-set diff, per metric the differences B − A over the common tuples with a
// plot of one metric, and a page of the per-tuple differences.
import type { Child } from 'hono/jsx';
import type { Comparison } from '../../../api/series/compare.ts';
import type { ComparedSeries } from '../../../api/series/compare.ts';
import type { AuthUser } from '../../context.ts';
import { StateBadge } from '../../components.tsx';
import { formatMetric } from '../../format.ts';
import { Layout } from '../../layout.tsx';
import { formatNumber } from '../results/svg.tsx';
import { IniDiffView } from './ini-diff.tsx';
import { TupleDiff } from './tuples.tsx';

export interface ComparePageProps {
  user: AuthUser;
  csrf: string;
  /** What the form holds (the query's a and b). */
  a: string;
  b: string;
  /** Absent until both ids are given. */
  comparison?: Comparison | undefined;
  /** Why the ids were refused. */
  error?: string | undefined;
  /** The plotted metric, and the plot (absent when no metric has values in both). */
  metric?: string | undefined;
  plot?: Child;
  /** `after` of this page of deltas (for the pager). */
  after?: number | undefined;
}

const seriesHref = (id: string) => `/series/${encodeURIComponent(id)}`;
const number = (v: number | null) => (v === null ? '—' : formatNumber(v));

function Which(props: { label: string; series: ComparedSeries }) {
  const s = props.series;
  return (
    <div class="card">
      <h2>{props.label}</h2>
      <p>
        <a href={seriesHref(s.id)}>{s.description || `Series ${s.id}`}</a> <StateBadge state={s.state} />
      </p>
      <p class="muted small">
        <code>{s.id}</code> · {s.owner} · {s.count} tuples
      </p>
    </div>
  );
}

function CompareForm(props: { a: string; b: string }) {
  return (
    <form method="get" action="/compare" class="row" id="compare-form">
      <label for="compare-a">Series A</label>
      <input id="compare-a" name="a" value={props.a} required placeholder="series id" />
      <label for="compare-b">Series B</label>
      <input id="compare-b" name="b" value={props.b} required placeholder="series id" />
      <button type="submit">Compare</button>
    </form>
  );
}

function ParameterChanges(props: { comparison: Comparison }) {
  const changes = props.comparison.parameters;
  const show = (values: string[] | null) =>
    values === null ? <em class="muted">absent</em> : values.join(' ');
  return (
    <section class="card" aria-labelledby="params-title">
      <h2 id="params-title">Changed parameters</h2>
      {changes.length === 0 ? (
        <p class="muted">Every key has the same values.</p>
      ) : (
        <div class="table-wrap">
          <table id="parameter-changes">
            <thead>
              <tr>
                <th>Key</th>
                <th>A</th>
                <th>B</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr>
                  <td>
                    <code>{c.name}</code>
                  </td>
                  <td>{show(c.a)}</td>
                  <td>{show(c.b)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function MetricSection(props: ComparePageProps & { comparison: Comparison }) {
  const { comparison: cmp } = props;
  const plotted = cmp.metrics.filter((m) => m.count > 0).map((m) => m.name);
  return (
    <section class="card" aria-labelledby="metrics-title">
      <h2 id="metrics-title">Metrics on common tuples (B − A)</h2>
      {cmp.metrics.length === 0 ? (
        <p class="muted">Neither series has metrics yet.</p>
      ) : (
        <div class="table-wrap">
          <table id="metric-deltas">
            <thead>
              <tr>
                <th>Metric</th>
                <th class="num">Tuples with both</th>
                <th class="num">Mean B − A</th>
                <th class="num">Min</th>
                <th class="num">Max</th>
              </tr>
            </thead>
            <tbody>
              {cmp.metrics.map((m) => (
                <tr>
                  <td>{m.name}</td>
                  <td class="num">{m.count}</td>
                  <td class="num">{number(m.mean)}</td>
                  <td class="num">{number(m.min)}</td>
                  <td class="num">{number(m.max)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plotted.length > 0 && props.metric ? (
        <>
          <form method="get" action="/compare" class="map-controls" id="delta-plot-form">
            <input type="hidden" name="a" value={cmp.a.id} />
            <input type="hidden" name="b" value={cmp.b.id} />
            <div>
              <label for="delta-metric">Plot</label>
              <select id="delta-metric" name="metric">
                {plotted.map((m) => (
                  <option value={m} selected={m === props.metric}>
                    {m}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <button type="submit">Plot</button>
            </div>
          </form>
          <div class="plot-wrap" id="delta-plot">
            {props.plot}
          </div>
        </>
      ) : null}
    </section>
  );
}

function DeltaTable(props: ComparePageProps & { comparison: Comparison }) {
  const { comparison: cmp } = props;
  const names = cmp.tuples.identifiedBy;
  const metrics = cmp.metrics.map((m) => m.name);
  const rows = cmp.deltas.rows;
  if (rows.length === 0) return null;
  const next = new URLSearchParams({ a: cmp.a.id, b: cmp.b.id });
  if (props.metric) next.set('metric', props.metric);
  if (cmp.deltas.nextAfter !== null) next.set('after', String(cmp.deltas.nextAfter));
  return (
    <section aria-labelledby="deltas-title" id="deltas">
      <h2 id="deltas-title">Common tuples</h2>
      <div class="table-wrap">
        <table id="tuple-deltas">
          <thead>
            <tr>
              <th class="num">A run</th>
              <th class="num">B run</th>
              {names.map((n) => (
                <th>{n}</th>
              ))}
              {metrics.map((m) => (
                <th class="num">Δ {m}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td class="num">
                  <a href={`${seriesHref(cmp.a.id)}/runs/${r.aIndex}`}>{r.aIndex}</a>
                </td>
                <td class="num">
                  <a href={`${seriesHref(cmp.b.id)}/runs/${r.bIndex}`}>{r.bIndex}</a>
                </td>
                {names.map((n) => (
                  <td>{r.params[n] ?? ''}</td>
                ))}
                {metrics.map((m) => (
                  <td class="num">{formatMetric(r.deltas[m] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Common tuples pages">
        {props.after !== undefined ? (
          <a href={`/compare?${new URLSearchParams({ a: cmp.a.id, b: cmp.b.id }).toString()}#deltas`}>
            ← First
          </a>
        ) : null}
        {cmp.deltas.nextAfter !== null ? <a href={`/compare?${next.toString()}#deltas`}>Next →</a> : null}
      </nav>
    </section>
  );
}

export function ComparePage(props: ComparePageProps) {
  const cmp = props.comparison;
  return (
    <Layout title="Compare series" user={props.user} csrf={props.csrf} active="series">
      <h1>Compare series</h1>
      <CompareForm a={props.a} b={props.b} />
      {props.error ? (
        <p class="error" role="alert" id="compare-error">
          {props.error}
        </p>
      ) : null}
      {cmp ? (
        <>
          <div class="grid2">
            <Which label="A" series={cmp.a} />
            <Which label="B" series={cmp.b} />
          </div>
          <p>
            <a href={`/compare?${new URLSearchParams({ a: cmp.b.id, b: cmp.a.id }).toString()}`}>
              Swap A and B
            </a>
          </p>
          <ParameterChanges comparison={cmp} />
          <section class="card" aria-labelledby="ini-title">
            <h2 id="ini-title">INI diff</h2>
            <IniDiffView diff={cmp.ini} />
          </section>
          <TupleDiff comparison={cmp} />
          <MetricSection {...props} comparison={cmp} />
          <DeltaTable {...props} comparison={cmp} />
        </>
      ) : null}
    </Layout>
  );
}
