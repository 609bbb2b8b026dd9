// One run: its parameters, metrics, rendered config, the tail of stdout/stderr and its files
// with previews.
import { StateBadge } from '../components.tsx';
import type { AuthUser } from '../context.ts';
import type { RunRow } from '../../db/runs.ts';
import type { SeriesRow } from '../data/series.ts';
import { Layout } from '../layout.tsx';
import { RunFacts } from './run/facts.tsx';
import { RunFiles, type RunFileView } from './run/files.tsx';
import { RunMetrics } from './run/metrics.tsx';
import { ReusedNotice, type ReusedView } from './run/reused.tsx';

export type { RunFileView } from './run/files.tsx';

export interface RunPageProps {
  user: AuthUser;
  csrf: string;
  series: SeriesRow;
  run: RunRow;
  config: string;
  configFile: string;
  stdout?: { text: string; partial: boolean };
  stderr?: { text: string; partial: boolean };
  files: RunFileView[];
  count: number;
  /** Set for a run taken from another series instead of run (docs/reuse.md). */
  reused?: ReusedView | undefined;
}

export function RunPage(props: RunPageProps) {
  const { series: s, run: r } = props;
  const base = `/series/${encodeURIComponent(s.id)}`;
  return (
    <Layout
      title={`Run ${r.index} · ${s.description || s.id}`}
      user={props.user}
      csrf={props.csrf}
      active="series"
      scripts={['results.js']}
    >
      <nav class="small" aria-label="Breadcrumb">
        <a href={base}>{s.description || `Series ${s.id}`}</a> › run {r.index}
      </nav>
      <h1>
        Run {r.index} <StateBadge state={r.state} />
      </h1>
      <nav class="pager" aria-label="Neighbouring runs">
        {r.index > 0 ? <a href={`${base}/runs/${r.index - 1}`}>← Run {r.index - 1}</a> : null}
        {r.index + 1 < props.count ? <a href={`${base}/runs/${r.index + 1}`}>Run {r.index + 1} →</a> : null}
      </nav>
      {props.reused ? <ReusedNotice reused={props.reused} /> : null}
      <div class="grid2">
        <RunFacts run={r} />
        <RunMetrics metrics={r.metrics} />
      </div>

      <RunFiles files={props.files} leftOn={r.outputsLeftOn} />

      <div class="grid2">
        <Output title="stdout" out={props.stdout} />
        <Output title="stderr" out={props.stderr} />
      </div>

      <details class="card">
        <summary>
          Config file <code>{props.configFile}</code>
        </summary>
        <pre>{props.config}</pre>
      </details>
    </Layout>
  );
}

function Output(props: { title: string; out: { text: string; partial: boolean } | undefined }) {
  return (
    <section class="card" style="min-width:0">
      <h2 style="margin-top:0">{props.title}</h2>
      {props.out === undefined ? (
        <p class="muted small">not collected (yet)</p>
      ) : props.out.text === '' ? (
        <p class="muted small">empty</p>
      ) : (
        <>
          {props.out.partial ? <p class="muted small">Last lines:</p> : null}
          <pre>{props.out.text}</pre>
        </>
      )}
    </section>
  );
}
