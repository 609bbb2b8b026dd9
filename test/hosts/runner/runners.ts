// Starting a chunk's runner on a runner host and waiting for it at the host's pool: shared by
// the pool's tests (pool.test.ts, fair-share.test.ts).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Executor, SeriesSpec } from '../../../hosts/executor.ts';
import { waitFor } from '../../support/wait.ts';
import { wholeChunk } from '../helpers.ts';

/** Stages the series' one chunk and starts its runner; returns the chunk with its job id. */
export async function start(executor: Executor, series: SeriesSpec, runs: number) {
  await executor.stageSeries(series);
  const chunk = wholeChunk(runs);
  await executor.stageChunk(series, chunk);
  const { jobId } = await executor.submit(series, chunk);
  return { ...chunk, jobId, runnerPid: Number(jobId.split('-')[3]) };
}

/** Waits until the runner registered in the pool as wanting units (it is about to wait or run). */
export async function registered(workdir: string, runnerPid: number): Promise<void> {
  const dir = path.join(workdir, '.tuplet-pool', 'runners');
  await waitFor(async () => (await readdir(dir).catch(() => [])).some((e) => e.startsWith(`${runnerPid}-`)), {
    what: `runner ${runnerPid} to register in ${dir}`,
    timeoutMs: 15_000,
  });
}
