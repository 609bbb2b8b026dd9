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

export function RunFiles(props: { files: RunFileView[] }) {
  return (
    <>
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
    </>
  );
}
