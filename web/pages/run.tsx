// One run: its parameters, metrics, rendered config, the tail of stdout/stderr and its files
// with previews.
import { StateBadge } from '../components.tsx';
import type { AuthUser } from '../context.ts';
import type { FileRow, RunRow } from '../data/runs.ts';
import type { SeriesRow } from '../data/series.ts';
import { formatBytes, formatDuration, formatMetric, formatTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import { FilePreview, type Preview } from '../previews/file.tsx';

export interface RunFileView extends FileRow {
  /** Path relative to the run directory. */
  name: string;
  url: string;
  preview?: Preview;
}

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
}

export function RunPage(props: RunPageProps) {
  const { series: s, run: r } = props;
  const base = `/series/${encodeURIComponent(s.id)}`;
  const metrics = Object.entries(r.metrics ?? {});
  return (
    <Layout
      title={`Run ${r.index} · ${s.description || s.id}`}
      user={props.user}
      csrf={props.csrf}
      active="series"
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
      <div class="grid2">
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
              {formatDuration(
                r.startedAt && r.endedAt ? r.endedAt.getTime() - r.startedAt.getTime() : null,
              ) || '–'}
            </dd>
            <dt>Attempt</dt>
            <dd>{r.attempt}</dd>
          </dl>
        </div>
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
      </div>

      <h2>Files</h2>
      {props.files.length === 0 ? (
        <p class="muted">No files collected for this run yet.</p>
      ) : (
        <div class="files">
          {props.files.map((f, i) => (
            <details class="card file" open={i < 12 && f.preview !== undefined}>
              <summary>
                <code>{f.name}</code> <span class="muted small">{formatBytes(f.size)}</span>{' '}
                <a href={f.url} download="" class="small">
                  download
                </a>
              </summary>
              {f.preview ? <FilePreview preview={f.preview} url={f.url} name={f.name} size={f.size} /> : null}
            </details>
          ))}
        </div>
      )}

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
