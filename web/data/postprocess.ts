// What the series page shows of the post-processing step (docs/postprocess.md): its outcome,
// its output's tail and its files from the series' storage, the first ones previewed like a run's.
import { POSTPROCESS_DIR } from '../../core/postprocess.ts';
import type { PostprocessOutcome } from '../../db/postprocess.ts';
import { isImage } from '../../files/content-type.ts';
import type { Storage } from '../../files/storage/index.ts';
import { listPostprocessFiles, readPostprocessLog } from '../../files/storage/postprocess-files.ts';
import { loadPreview, type Preview } from '../previews/file.tsx';
import type { SeriesRow } from './series.ts';

const PREVIEWED_FILES = 12;
const LISTED_FILES = 200;

export interface PostprocessFileView {
  /** Path relative to `postprocess/`. */
  name: string;
  /** Path relative to the series' storage (what /web-api/series/:id/files/… takes). */
  path: string;
  /** Where the browser reads it. */
  url: string;
  size: number;
  preview?: Preview;
}

export interface PostprocessView {
  command: string;
  outcome: PostprocessOutcome | null;
  log: string | null;
  files: PostprocessFileView[];
  /** More files than listed. */
  more: number;
}

/** Undefined when the series' application declares no post-processing command. */
export async function loadPostprocessView(
  storage: Storage,
  row: Pick<SeriesRow, 'id' | 'applicationSnapshot' | 'postprocess'>,
  urlOf: (seriesId: string, relative: string) => string,
): Promise<PostprocessView | undefined> {
  const command = row.applicationSnapshot.postprocess;
  if (!command) return undefined;
  // Images first (what one post-processes for), then the rest by name.
  const names = (await listPostprocessFiles(storage, row.id)).sort(
    (a, b) => Number(isImage(b.path)) - Number(isImage(a.path)) || a.path.localeCompare(b.path),
  );
  const files = await Promise.all(
    names.slice(0, LISTED_FILES).map(async ({ path: name, size }, i) => {
      const relative = `${POSTPROCESS_DIR}/${name}`;
      const view: PostprocessFileView = { name, path: relative, url: urlOf(row.id, relative), size };
      if (i < PREVIEWED_FILES) view.preview = await loadPreview(storage, row.id, relative);
      return view;
    }),
  );
  const log = await readPostprocessLog(storage, row.id);
  return { command, outcome: row.postprocess ?? null, log, files, more: Math.max(0, names.length - LISTED_FILES) };
}
