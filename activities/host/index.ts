// Host activities: every side effect on a compute host, on task queue `tuplet-host-<name>`.
// They run on a worker next to the host, with no database access; the executor for each
// host (and so its pooled SSH connection) is created once and reused, one per version of the
// host while steps use it (executors.ts), and the polls of all its chunks go through one
// PollBatcher (one status exec per host per interval, whatever versions ask: polls.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import type { Executor, HostSpec, SeriesSpec, StepOptions } from '../../hosts/executor.ts';
import { withLocalInputs, withLocalPackage } from '../../hosts/local-inputs.ts';
import { storageOf, type Storage } from '../../files/storage/index.ts';
import { storeSetupLog } from '../../files/setup-log.ts';
import type { Logger } from '../../log.ts';
import { checkExecutor } from './check.ts';
import { loadOf } from './load.ts';
import { HostExecutors } from './executors.ts';
import { HostPolls } from './polls.ts';
import { RepeatFilter } from './poll-repeats.ts';
import { POLL_WAIT_IN_WORKER_MAX_MS } from '../../workflows/poll-decisions.ts';
import type { HostActivities, HostCapabilities } from './types.ts';

/** Well under the 15 s heartbeat timeout of the long host steps (workflows/activities.ts). */
export const HEARTBEAT_EVERY_MS = 5_000;

export interface HostDeps {
  /** Where collected outputs go (`<seriesId>/runs/<dir>/…`): `storage`, else the disk below `storageDir`. */
  storageDir: string;
  storage?: Storage;
  /** How long the input cache keeps an unused copy (hosts/local-inputs.ts); default 7 days. */
  inputCacheTtlMs?: number;
  /** Builds the executor of a host; `logger` is the worker's, bound to the host. */
  createExecutor: (host: HostSpec, logger: Logger) => Executor;
  /** Chunk size, window and poll intervals for a host (SLURM reads its limits). */
  capabilities: (executor: Executor) => Promise<HostCapabilities>;
  logger: Logger;
}

export interface HostActivitiesHandle {
  activities: HostActivities;
  /** Closes every executor (SSH connections) when the worker stops. */
  close(): Promise<void>;
}

export function createHostActivities(deps: HostDeps): HostActivitiesHandle {
  const executors = new HostExecutors((host) =>
    deps.createExecutor(host, deps.logger.child({ host: host.name })),
  );
  const polls = new HostPolls(executors, deps.capabilities);
  // What this worker answered each chunk last, so a poll leaves out what the workflow has.
  const repeats = new RepeatFilter();
  /** Every step holds its version's executor until it ends (activities/host/executors.ts). */
  const on = <T>(host: HostSpec, work: (executor: Executor) => Promise<T>): Promise<T> =>
    executors.use(host, work);

  const activities: HostActivities = {
    checkHost: (host) => on(host, checkExecutor),
    describeHost: (host) => on(host, deps.capabilities),
    describeLoad: (host) => on(host, loadOf),
    stageSeries: (host, series) =>
      withHeartbeat(async (step) =>
        // The package and uploaded datasets come from storage to this worker, then as a tar stream to the host.
        on(host, async (executor) => executor.stageSeries(await withLocalInputs(series, deps), step)),
      ),
    stageChunk: (host, series, chunk) =>
      // A template input may be read from the package (hosts/run-input.ts).
      withHeartbeat(async (step) =>
        on(host, async (executor) => executor.stageChunk(await withLocalPackage(series, deps), chunk, step)),
      ),
    async setupSeries(host, series) {
      const result = await withHeartbeat((step) => on(host, (executor) => executor.setup(series, step)));
      // For the series page and the API (files/setup-log.ts): what the setup printed, or reused.
      await storeSetupLog(storageOf(deps), series.seriesId, result.outputTail);
      return result;
    },
    async postprocessSeries(host, series) {
      const result = await withHeartbeat((step) =>
        on(host, (executor) => executor.postprocess(series, storageOf(deps), step)),
      );
      deps.logger.info(
        {
          ...where(host, series),
          exitCode: result.exitCode,
          files: result.files,
          refused: result.refused.length,
        },
        'series post-processed',
      );
      return result;
    },
    async submitChunk(host, series, chunk) {
      const result = await withHeartbeat((step) =>
        on(host, (executor) => executor.submit(series, chunk, step)),
      );
      deps.logger.info(
        { ...where(host, series), chunk: chunk.chunkIndex, attempt: chunk.attempt, jobId: result.jobId },
        result.reused ? 'chunk was submitted before; found its job again' : 'chunk submitted',
      );
      return result;
    },
    async pollChunks(host, series, request, after) {
      // Bounded whatever the caller asks: the activity's start-to-close is 30 s.
      const waitMs = Math.min(Math.max(0, after?.ms ?? 0), POLL_WAIT_IN_WORKER_MAX_MS);
      if (waitMs > 0) await delay(waitMs);
      const answer = await polls.poll(host, series, repeats.hostRequest(request));
      const result = repeats.answer(series.seriesId, request, answer);
      deps.logger.debug(
        {
          ...where(host, series),
          chunks: request.chunks.map((c) => c.chunkIndex),
          changes: result.changes.length,
          aliveJobs: result.aliveJobs,
          ...(result.truncated ? { truncated: true } : {}),
          ...(result.held ? { held: result.held } : {}),
        },
        'chunks polled',
      );
      return result;
    },
    collectChunk: (host, series, chunk) =>
      withHeartbeat((step) => on(host, (executor) => executor.collect(series, chunk, storageOf(deps), step))),
    async cancelSeries(host, series, jobIds) {
      deps.logger.info({ ...where(host, series), jobIds }, "cancelling the series' jobs");
      await withHeartbeat((step) => on(host, (executor) => executor.cancel(series, jobIds, step)));
      deps.logger.info({ ...where(host, series), jobIds }, "the series' jobs are stopped");
    },
  };

  return {
    activities,
    close: () => executors.close(),
  };
}

/** The fields every host log line carries: which host, which series. */
function where(host: HostSpec, series: SeriesSpec): { host: string; seriesId: string } {
  return { host: host.name, seriesId: series.seriesId };
}

/**
 * Runs a host step with the activity's cancellation signal, heartbeating every few seconds
 * meanwhile: a lost worker is noticed, and a cancellation (of the series, the workflow, or
 * the activity by its timeout) reaches the worker, since Temporal delivers it in the answer
 * to a heartbeat. The signal aborts the step's commands on the host (their process groups are
 * stopped, hosts/transport.ts); the step rejects with core's AbortError, which Temporal
 * records as the activity's cancellation. Polls take no signal: one poll exec answers for
 * many chunks and series (PollBatcher), and they are short.
 */
async function withHeartbeat<T>(work: (step: StepOptions) => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work({ signal: context.cancellationSignal });
  } finally {
    clearInterval(timer);
  }
}
