// Workflow `series-<id>`: stage, optional setup, fan out to chunk children in a bounded
// window, archive, finish. Cancelling it (API, CLI or Temporal UI) stops every job of the
// series on its host and records the series as cancelled.
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  patched,
  setHandler,
} from '@temporalio/workflow';
import type { HostCapabilities } from '../activities/host/types.ts';
import { control, controlLong, hostActivities } from './activities.ts';
import { chunkWorkflow, withoutTemplate } from './chunk.ts';
import { CHUNKS_PER_HISTORY, planChunks, type PlannedChunk } from './plan.ts';
import { postprocessStep } from './postprocess.ts';
import { describeFailure, endAfterError } from './failure.ts';
import { seriesOverSeveralHosts } from './multi-host.ts';
import { waitForQuota } from './quota-wait.ts';
import { SeriesTally } from './progress.ts';
import type { SeriesState } from '../core/states.ts';
import { chunkWorkflowId } from '../core/naming.ts';
import { progressQueryName, type SeriesProgress, type SeriesWorkflowInput } from './shared.ts';

export const progressQuery = defineQuery<SeriesProgress>(progressQueryName);

/**
 * Patch: a failed series records its end before the host's cleanup, and a cleanup that fails
 * (there, or before recording a cancel) is logged, not thrown. Before it, a host refusing both
 * the failed step and the cleanup — an unknown host key — left the series `staging` for good.
 */
const RECORD_END_BEFORE_CLEANUP = 'record-series-end-before-cleanup';

/**
 * Patch: continue-as-new (after CHUNKS_PER_HISTORY chunks) ends the run by throwing, inside the
 * try below. Before it, the catch took that for a failure: every series of more than 300
 * chunks was recorded failed ("Workflow continued as new") and its jobs cancelled.
 */
const CONTINUE_AS_NEW_IS_NOT_A_FAILURE = 'series-continue-as-new-is-not-a-failure';

/**
 * Patch: after the last chunk and before archiving, the application's `postprocess` command runs
 * (workflows/postprocess.ts). Only a series whose application declares one reaches the patch;
 * series of the old code archived right away.
 */
const POSTPROCESS_AFTER_RUNS = 'series-postprocess-after-runs';

/**
 * Patch: a new series that reuses runs of others (docs/reuse.md) runs only the indices of
 * `input.reuse`, as a rerun runs its own. Only inputs with `reuse` reach the patch; series of
 * the old code ran every index.
 */
const RUN_ONLY_WHAT_IS_NOT_REUSED = 'series-run-only-what-is-not-reused';

/**
 * Patch: a new series whose owner (or group) is at a maxQueued or maxStorageBytes quota waits
 * before staging (workflows/quota-wait.ts). Series of the old code started at once.
 */
const WAIT_FOR_QUOTA = 'series-wait-for-quota';

/**
 * Patch: a series that names several hosts places its chunks over them (workflows/multi-host.ts,
 * docs/multi-host.md). Only plans with `hosts` reach the patch; series of one host are as before.
 */
const SERIES_OVER_SEVERAL_HOSTS = 'series-over-several-hosts';

/**
 * Patch: a new series stages its first chunk's configs as soon as the host's limits (the chunk
 * size) are known, beside the series' directory instead of after it: on an SSH host one exec
 * fewer on the way to the first submit. Its chunk child is told (`staged`) not to stage again.
 */
const STAGE_FIRST_CHUNK_EARLY = 'series-stage-first-chunk-early';

export async function seriesWorkflow(input: SeriesWorkflowInput): Promise<SeriesState> {
  const { seriesId } = input;
  // Registered before the first await: the query answers (`loaded: false`) while the plan loads.
  const tally = new SeriesTally(input);
  const progress = tally.progress;
  setHandler(progressQuery, () => progress);
  const plan = await control.loadSeries(seriesId);
  tally.loaded(plan.count);
  const host = hostActivities(plan.host.name);
  const attempt = input.rerun?.attempt ?? plan.attempt;
  const setState = async (state: SeriesState, reason?: string) => {
    progress.state = state;
    await control.setSeriesState(seriesId, state, reason);
  };
  if (plan.hosts && plan.hosts.length > 1 && patched(SERIES_OVER_SEVERAL_HOSTS)) {
    return seriesOverSeveralHosts({ input, plan, tally, setState });
  }

  try {
    const fresh = !input.rerun && input.resumeAtChunk === undefined;
    let caps: HostCapabilities;
    /** The chunk whose configs the series staged itself, if any. */
    let stagedEarly: number | undefined;
    const stageFirstChunk = async (chunkSize: number): Promise<number | undefined> => {
      const [first] = planChunks([[0, plan.count]], chunkSize, true);
      if (!first) return undefined;
      const { chunkIndex, offset, length } = first;
      await host.long.stageChunk(plan.host, plan.spec, { chunkIndex, offset, length, attempt });
      return chunkIndex;
    };
    if (fresh) {
      if (patched(WAIT_FOR_QUOTA)) await waitForQuota(seriesId, setState);
      // The API created the series in `staging`. Its run rows, its directory on the host and
      // the host's limits do not depend on each other: all at once. The first chunk's configs
      // depend on the limits only (tar creates the directories they go in).
      const early = !input.reuse && patched(STAGE_FIRST_CHUNK_EARLY);
      const describing = host.quick.describeHost(plan.host);
      [caps, , , stagedEarly] = await Promise.all([
        describing,
        controlLong.createRuns(seriesId),
        host.long.stageSeries(plan.host, plan.spec),
        early ? describing.then((limits) => stageFirstChunk(limits.chunkSize)) : undefined,
      ]);
      if (plan.spec.setup) {
        const setup = await host.long.setupSeries(plan.host, withoutTemplate(plan.spec));
        if (setup.exitCode !== 0) {
          await setState('failed', `setup exited with ${setup.exitCode}: ${setup.outputTail}`);
          return 'failed';
        }
      }
      await setState('running');
    } else {
      [caps] = await Promise.all([host.quick.describeHost(plan.host), setState('running')]);
    }
    const reused = input.reuse && patched(RUN_ONLY_WHAT_IS_NOT_REUSED) ? input.reuse.ranges : undefined;
    const ranges = input.rerun?.ranges ?? reused ?? [[0, plan.count]];
    const chunks = planChunks(ranges, caps.chunkSize, !input.rerun && !reused);
    const first = input.resumeAtChunk ?? 0;
    tally.planned(chunks, first);
    const last = Math.min(chunks.length, first + CHUNKS_PER_HISTORY);
    await runInWindow(chunks.slice(first, last), caps.window, async (chunk) => {
      tally.chunkStarted(chunk);
      const result = await executeChild(chunkWorkflow, {
        workflowId: `${chunkWorkflowId(seriesId, chunk.chunkIndex)}${attempt > 1 ? `-attempt-${attempt}` : ''}`,
        args: [
          {
            seriesId,
            chunkIndex: chunk.chunkIndex,
            offset: chunk.offset,
            length: chunk.length,
            hostName: plan.host.name,
            attempt,
            ...(chunk.ranges ? { ranges: chunk.ranges } : {}),
            ...(reused ? { stageRanges: true } : {}),
            ...(chunk.chunkIndex === stagedEarly ? { staged: true } : {}),
          },
        ],
      });
      tally.chunkEnded(chunk, result);
    });
    if (last < chunks.length) {
      await continueAsNew<typeof seriesWorkflow>({ ...input, resumeAtChunk: last, tally: tally.carry() });
    }

    if (plan.spec.postprocess && patched(POSTPROCESS_AFTER_RUNS)) await postprocessStep(seriesId, plan);
    await setState('archiving');
    await controlLong.archiveSeries(seriesId);
    const final = await control.finishSeries(seriesId);
    progress.state = final;
    return final;
  } catch (error) {
    if (error instanceof ContinueAsNew && patched(CONTINUE_AS_NEW_IS_NOT_A_FAILURE)) throw error;
    const stopJobs = () => host.quick.cancelSeries(plan.host, withoutTemplate(plan.spec), []);
    if (patched(RECORD_END_BEFORE_CLEANUP)) return endAfterError(seriesId, error, stopJobs, tally);
    // The old order, for series that started before the patch: cleanup first, and its failure thrown.
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await stopJobs();
        await control.recordCancelled(seriesId);
      });
      tally.cancelled();
      throw error;
    }
    const reason = error instanceof Error ? describeFailure(error) : String(error);
    await CancellationScope.nonCancellable(async () => {
      await stopJobs();
      await control.setSeriesState(seriesId, 'failed', reason);
    });
    progress.state = 'failed';
    throw ApplicationFailure.nonRetryable(`series ${seriesId} failed: ${reason}`, 'SeriesFailed');
  }
}

/** Runs `work` over the chunks with at most `window` of them in flight, in order. */
async function runInWindow(
  chunks: PlannedChunk[],
  window: number,
  work: (chunk: PlannedChunk) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      await work(chunk);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(window, chunks.length)) }, lane));
}
