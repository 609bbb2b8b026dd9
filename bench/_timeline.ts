// Where a bench series spent its time, from file times on the host (nanosecond mtimes):
// POST → submitted (runner started, or sbatch called), → first run started, → last exit
// file written, → the last run recorded in the database, → the series finished.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface Timeline {
  post_to_submit_s: number;
  submit_to_first_run_s: number;
  first_run_to_last_exit_s: number;
  last_exit_to_recorded_s: number;
  /** Present when the finish time was given: last run recorded → series in a final state. */
  recorded_to_finished_s?: number;
}

/** A run's `started` and `exit` file times, epoch ms. */
interface RunTimes {
  started: number;
  exit: number;
}

const seconds = (ms: number) => +(ms / 1000).toFixed(3);

async function runTimes(seriesDir: string): Promise<RunTimes[]> {
  const mtime = async (file: string) => (await stat(file)).mtimeMs;
  const runs = path.join(seriesDir, 'runs');
  const times: RunTimes[] = [];
  for (const dir of await readdir(runs)) {
    const meta = path.join(runs, dir, '.tuplet');
    times.push({
      started: await mtime(path.join(meta, 'started')),
      exit: await mtime(path.join(meta, 'exit')),
    });
  }
  return times;
}

/** All times in epoch milliseconds; the run files are those every Tuplet host writes. */
export async function timeline(
  seriesDir: string,
  times: { postedAt: number; submittedAt: number; recordedAt: number; finishedAt?: number },
): Promise<Timeline> {
  const runs = await runTimes(seriesDir);
  const firstStart = Math.min(...runs.map((r) => r.started));
  const lastExit = Math.max(...runs.map((r) => r.exit));
  return {
    post_to_submit_s: seconds(times.submittedAt - times.postedAt),
    submit_to_first_run_s: seconds(firstStart - times.submittedAt),
    first_run_to_last_exit_s: seconds(lastExit - firstStart),
    last_exit_to_recorded_s: seconds(times.recordedAt - lastExit),
    ...(times.finishedAt !== undefined
      ? { recorded_to_finished_s: seconds(times.finishedAt - times.recordedAt) }
      : {}),
  };
}

/** The run phase (first run started → last exit file) of a host with `slots` slots, taken apart. */
export interface RunPhase {
  /** Mean time from a run's `started` file to its `exit` file: the program with its shell. */
  run_mean_ms: number;
  /**
   * Mean time from the end of the run that freed a slot to the start of the next run on it:
   * what the runner costs between runs (the worker's `ended` and `exit` files, its word to the
   * runner and the next tuple back, the next run's claim, `attempt` and `started` files).
   */
  gap_mean_ms: number;
  /** Every gap summed, over the slots: seconds of the phase spent between runs. */
  gaps_s: number;
  /** Every run's time summed, over the slots: seconds of the phase spent in runs. */
  runs_s: number;
  slots: number;
}

/**
 * Pairs each run's start with the end that freed its slot: in start order, the earliest end
 * among the runs holding a slot (every slot taken once the first `slots` runs started).
 */
export async function runPhase(seriesDir: string, slots: number): Promise<RunPhase> {
  const runs = (await runTimes(seriesDir)).sort((a, b) => a.started - b.started);
  const holding: number[] = [];
  let gaps = 0;
  let busy = 0;
  for (const run of runs) {
    if (holding.length >= slots) {
      holding.sort((a, b) => a - b);
      gaps += Math.max(0, run.started - holding.shift()!);
    }
    holding.push(run.exit);
    busy += run.exit - run.started;
  }
  const paired = Math.max(1, runs.length - slots);
  return {
    run_mean_ms: +(busy / runs.length).toFixed(2),
    gap_mean_ms: +(gaps / paired).toFixed(2),
    gaps_s: seconds(gaps / slots),
    runs_s: seconds(busy / slots),
    slots,
  };
}
