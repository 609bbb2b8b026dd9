// Child workflow `series-<id>/chunk-<k>`: stage the chunk's runs, submit them, follow them
// until each is final, then collect their outputs. Per-run data never enters the history:
// the host expands tuples itself and polls return only what changed.
import { continueAsNew, patched, sleep } from '@temporalio/workflow';
import type { ChunkSpec, SeriesSpec } from '../hosts/executor.ts';
import { control, controlLong, hostActivities } from './activities.ts';
import type { IndexRange } from '../core/ranges.ts';
import {
  afterPoll,
  continuesAsNew,
  initialPollState,
  isFinishing,
  POLL_WAIT_IN_WORKER_MAX_MS,
  resumeFrom,
  type PollLimits,
} from './poll-decisions.ts';
import { chunkFinalCounts } from './progress.ts';
import { placedOn } from './placement.ts';
import type { ChunkWorkflowInput, ChunkWorkflowResult, RunStateCounts } from './shared.ts';

/**
 * Patch: the chunks of a series that reuses runs (docs/reuse.md) carry `ranges` like a rerun's
 * but stage their configs first. Only inputs with `stageRanges` reach it.
 */
const STAGE_RANGES_OF_A_REUSING_SERIES = 'chunk-stage-ranges-of-a-reusing-series';

/**
 * Polls per workflow run before continuing as new, to keep the history well under 4,096 events:
 * a poll costs about 16 (the poll, the record, a timer and their workflow tasks), so 250 came to
 * 3,922 events in the 100,000-run SLURM series (docs/scale.md), 4 % under the bound. Runs that
 * started before patch `chunk-200-polls-per-history` keep 250.
 */
const POLLS_PER_HISTORY = 200;
const POLLS_PER_HISTORY_BEFORE = 250;
const FEWER_POLLS_PER_HISTORY = 'chunk-200-polls-per-history';
/** A job the host no longer knows, with runs still unfinished, is submitted again at most this often. */
const MAX_RESUBMITS = 2;
/**
 * Patch: once a chunk is finishing (isFinishing), the wait before its next poll happens in the
 * host worker (pollChunks' `after`) instead of as a workflow timer. Temporal fires a timer when
 * its timer queue gets to it: on the dev server a 55 ms timer fired 0.98 s late, so the local
 * host polled every ~1.1 s instead of 250 ms and a series' last run was recorded up to 1.4 s after
 * it ended (docs/hosts.md). Only at the end: polling that often throughout cost the runs more CPU
 * on two cores than the earlier end saved. Waits longer than POLL_WAIT_IN_WORKER_MAX_MS stay timers.
 */
const END_POLLED_FROM_THE_WORKER = 'chunk-end-polled-from-the-worker';

/** The series spec without its template: what every host step after staging needs. */
export function withoutTemplate(spec: SeriesSpec): SeriesSpec {
  return { ...spec, ini: '' };
}

export async function chunkWorkflow(input: ChunkWorkflowInput): Promise<ChunkWorkflowResult> {
  const { seriesId, attempt } = input;
  const series = await control.loadSeries(seriesId);
  // The chunk's own host of a multi-host series; the series' only host otherwise.
  const plan = placedOn(series, input.hostName);
  const host = hostActivities(input.hostName, input.hostLostAfterMs);
  const spec = withoutTemplate(plan.spec);
  const ranges: IndexRange[] = input.ranges ?? [[input.offset, input.offset + input.length]];
  const chunk: ChunkSpec = {
    chunkIndex: input.chunkIndex,
    offset: input.offset,
    length: input.length,
    attempt,
    ...(input.ranges ? { ranges: input.ranges } : {}),
  };

  let jobId: string;
  if (input.resume) {
    jobId = input.resume.jobId;
  } else {
    const stage =
      input.staged !== true &&
      (!input.ranges || (input.stageRanges === true && patched(STAGE_RANGES_OF_A_REUSING_SERIES)));
    if (stage) await host.long.stageChunk(plan.host, plan.spec, chunk);
    jobId = (await host.quick.submitChunk(plan.host, spec, chunk)).jobId;
  }
  const [caps] = await Promise.all([
    host.quick.describeHost(plan.host),
    input.resume ? undefined : control.markQueued(seriesId, ranges, jobId, input.hostName),
  ]);
  const limits: PollLimits = {
    pollMinMs: caps.pollMinMs,
    pollMaxMs: caps.pollMaxMs,
    maxResubmits: MAX_RESUBMITS,
    pollsPerHistory: patched(FEWER_POLLS_PER_HISTORY) ? POLLS_PER_HISTORY : POLLS_PER_HISTORY_BEFORE,
  };
  let state = initialPollState(jobId, input.resume, limits);
  let held: string | null = null;
  // The runs by state after the last poll: what the chunk reports to its series at its end.
  let counted: RunStateCounts | undefined;
  let gaveUp = false;
  /** Unfinished runs after the previous poll; whether the chunk's end is near (it stays so). */
  let remainingBefore: number | undefined;
  let finishing = false;
  /** How long the next poll waits in the worker before it reads the host. */
  let waitFirstMs = 0;
  for (;;) {
    if (continuesAsNew(state, limits)) {
      await continueAsNew<typeof chunkWorkflow>({ ...input, resume: resumeFrom(state) });
    }
    const polledAt = Date.now() + waitFirstMs;
    const result = await host.quick.pollChunks(
      plan.host,
      spec,
      { chunks: [{ ...chunk, jobId: state.jobId }], cursor: state.cursor },
      ...(waitFirstMs > 0 ? [{ ms: waitFirstMs }] : []),
    );
    waitFirstMs = 0;
    // A job held for a reason that needs a person (a time limit above the partition's, a
    // drained node…) would wait unseen: the series shows why until the hold clears.
    if ((result.held ?? null) !== held) {
      held = result.held ?? null;
      await control.noteSeriesHeld(seriesId, held);
    }
    const recorded = await control.recordRunChanges(seriesId, attempt, result.changes, ranges);
    const { remaining } = recorded;
    finishing ||= isFinishing(remainingBefore, remaining);
    remainingBefore = remaining;
    counted = recorded.counts;
    const step = afterPoll(
      state,
      {
        cursor: result.cursor,
        remaining,
        truncated: result.truncated,
        alive: result.aliveJobs.includes(state.jobId),
        changed: result.changes.length > 0,
      },
      limits,
    );
    state = step.state;
    if (step.decision.next === 'collect') break;
    if (step.decision.next === 'give-up') {
      await control.failUnfinishedRuns(seriesId, ranges, 'LOST');
      gaveUp = true;
      break;
    }
    if (step.decision.resubmit) {
      state = { ...state, jobId: (await host.quick.submitChunk(plan.host, spec, chunk)).jobId };
    }
    // The interval runs from the start of the poll: a slow status exec does not stretch it.
    const wait = step.decision.intervalMs - (Date.now() - polledAt);
    if (wait <= 0) continue;
    const inWorker = finishing && wait <= POLL_WAIT_IN_WORKER_MAX_MS && patched(END_POLLED_FROM_THE_WORKER);
    if (inWorker) waitFirstMs = wait;
    else await sleep(wait);
  }

  await host.long.collectChunk(plan.host, spec, chunk);
  await controlLong.indexChunk(seriesId, ranges);
  const counts = chunkFinalCounts(counted, gaveUp);
  return { remaining: 0, ...(counts ? { counts } : {}) };
}
