// Where a bench series spent its time, from file times on the host (nanosecond mtimes):
// POST → submitted (runner started, or sbatch called), → first run started, → last exit
// file written, → the last run recorded in the database.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface Timeline {
  post_to_submit_s: number;
  submit_to_first_run_s: number;
  first_run_to_last_exit_s: number;
  last_exit_to_recorded_s: number;
}

/** All times in epoch milliseconds; the run files are those every Tuplet host writes. */
export async function timeline(
  seriesDir: string,
  times: { postedAt: number; submittedAt: number; recordedAt: number },
): Promise<Timeline> {
  const mtime = async (file: string) => (await stat(file)).mtimeMs;
  const runs = path.join(seriesDir, 'runs');
  let firstStart = Infinity;
  let lastExit = 0;
  for (const dir of await readdir(runs)) {
    const meta = path.join(runs, dir, '.tuplet');
    firstStart = Math.min(firstStart, await mtime(path.join(meta, 'started')));
    lastExit = Math.max(lastExit, await mtime(path.join(meta, 'exit')));
  }
  const s = (ms: number) => +(ms / 1000).toFixed(3);
  return {
    post_to_submit_s: s(times.submittedAt - times.postedAt),
    submit_to_first_run_s: s(firstStart - times.submittedAt),
    first_run_to_last_exit_s: s(lastExit - firstStart),
    last_exit_to_recorded_s: s(times.recordedAt - lastExit),
  };
}
