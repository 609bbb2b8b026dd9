// The series' post-processing step: its outcome (a failure shown, never the series'), the button
// that runs it again, its output's tail and its files with previews, like a run's.
import type { PostprocessView } from '../../data/postprocess.ts';
import { StateBadge } from '../../components.tsx';
import { formatBytes } from '../../format.ts';
import { FilePreview } from '../../previews/file.tsx';

export function PostprocessSection(props: { seriesId: string; view: PostprocessView; canRun: boolean }) {
  const { view, seriesId } = props;
  const outcome = view.outcome;
  return (
    <section class="card" id="postprocess">
      <h2>
        Post-processing{' '}
        {outcome ? <StateBadge state={outcome.state} /> : <span class="muted small">not run yet</span>}
      </h2>
      <p class="small">
        <code>{view.command}</code>
        {outcome?.exitCode !== undefined && outcome.exitCode !== null
          ? ` — exit code ${outcome.exitCode}`
          : null}
        {outcome?.state === 'failed' && (outcome.exitCode === undefined || outcome.exitCode === null)
          ? ' — the host step failed before the command could answer'
          : null}
      </p>
      {props.canRun ? (
        <div class="actions">
          <button
            data-action={`POST /api/v1/series/${seriesId}/postprocess`}
            data-done="Post-processing started"
            id="postprocess-again"
          >
            Run post-processing again
          </button>
        </div>
      ) : null}
      {view.log ? (
        <details open={outcome?.state === 'failed'}>
          <summary>Output</summary>
          <pre id="postprocess-log">{view.log}</pre>
        </details>
      ) : null}
      {view.files.length === 0 ? (
        <p class="muted">No outputs in postprocess/.</p>
      ) : (
        <div class="files" id="postprocess-files">
          {view.files.map((f, i) => {
            const url = f.url;
            return (
              <details class="card file" open={i < 12 && f.preview !== undefined}>
                <summary>
                  <code>{f.name}</code> <span class="muted small">{formatBytes(f.size)}</span>{' '}
                  <a href={url} download="" class="small">
                    download
                  </a>
                </summary>
                {f.preview ? <FilePreview preview={f.preview} url={url} name={f.name} size={f.size} /> : null}
              </details>
            );
          })}
          {view.more > 0 ? <p class="muted small">and {view.more} more (in the archive)</p> : null}
        </div>
      )}
    </section>
  );
}
