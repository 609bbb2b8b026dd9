// A run's collected files, each with a download link and, for the first ones, a preview.
import type { FileRow } from '../../../db/files.ts';
import { formatBytes } from '../../format.ts';
import { FilePreview, type Preview } from '../../previews/file.tsx';

export interface RunFileView extends FileRow {
  /** Path relative to the run directory. */
  name: string;
  url: string;
  preview?: Preview;
}

export function RunFiles(props: { files: RunFileView[]; leftOn?: string | null }) {
  return (
    <>
      <h2>Files</h2>
      {props.leftOn ? (
        // The run ended there and was recorded; its host was lost before collecting (docs/multi-host.md).
        <p class="notice" data-outputs-left-on={props.leftOn}>
          This run's outputs stay on host <strong>{props.leftOn}</strong>: the run ended there (its state is
          as recorded), and the host was lost before they were collected, so no file or metric of it was read.
          Rerunning the run makes them again.
        </p>
      ) : null}
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
    </>
  );
}
