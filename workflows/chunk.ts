// Child workflow `series-<id>/chunk-<k>`: stage the chunk's runs, submit them, follow them
// until each is final, then collect their outputs. Per-run data never enters the history:
// the host expands tuples itself and polls return only what changed.
import { continueAsNew, sleep } from '@temporalio/workflow';
import type { ChunkSpec, SeriesSpec } from '../hosts/executor.ts';
import { control, controlLong, hostActivities } from './activities.ts';
import type { IndexRange } from './plan.ts';
import type { ChunkWorkflowInput } from './shared.ts';

/** Polls per workflow run before continuing as new, to keep the history well under 4,096 events. */
const POLLS_PER_HISTORY = 250;
/** A job the host no longer knows, with runs still unfinished, is submitted again at most this often. */
const MAX_RESUBMITS = 2;

/** The series spec without its template: what every host step after staging needs. */
export function withoutTemplate(spec: SeriesSpec): SeriesSpec {
  return { ...spec, ini: '' };
}

export async function chunkWorkflow(input: ChunkWorkflowInput): Promise<{ remaining: number }> {
  const { seriesId, attempt } = input;
  const plan = await control.loadSeries(seriesId);
  const host = hostActivities(input.hostName);
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
  let resubmits = input.resume?.resubmits ?? 0;
  let cursor = input.resume?.cursor;
  if (input.resume) {
    jobId = input.resume.jobId;
  } else {
    if (!input.ranges) await host.long.stageChunk(plan.host, plan.spec, chunk);
    jobId = (await host.quick.submitChunk(plan.host, spec, chunk)).jobId;
  }
  const [caps] = await Promise.all([
    host.quick.describeHost(plan.host),
    input.resume ? undefined : control.markQueued(seriesId, ranges, jobId),
  ]);
  let interval = caps.pollMinMs;
  let deadPolls = 0;
  let held: string | null = null;
  for (let polls = 0; ; polls++) {
    if (polls >= POLLS_PER_HISTORY) {
      await continueAsNew<typeof chunkWorkflow>({ ...input, resume: { jobId, cursor, resubmits } });
    }
    const polledAt = Date.now();
    const result = await host.quick.pollChunks(plan.host, spec, { chunks: [{ ...chunk, jobId }], cursor });
    cursor = result.cursor;
    // A job held for a reason that needs a person (a time limit above the partition's, a
    // drained node…) would wait unseen: the series shows why until the hold clears.
    if ((result.held ?? null) !== held) {
      held = result.held ?? null;
      await control.noteSeriesHeld(seriesId, held);
    }
    const { remaining } = await control.recordRunChanges(seriesId, attempt, result.changes, ranges);
    if (remaining === 0) break;
    if (result.truncated) continue;

    // The job or runner is gone but runs are unfinished: look twice (a run may have just
    // finished between the liveness check and the scan), then submit again — the host skips
    // runs that already started — and give up on the rest after a few tries.
    deadPolls = result.aliveJobs.includes(jobId) ? 0 : deadPolls + 1;
    // The second look scans every run again, not just what changed since the cursor.
    if (deadPolls === 1) cursor = undefined;
    if (deadPolls >= 2) {
      if (resubmits >= MAX_RESUBMITS) {
        await control.failUnfinishedRuns(seriesId, ranges, 'LOST');
        break;
      }
      resubmits++;
      deadPolls = 0;
      jobId = (await host.quick.submitChunk(plan.host, spec, chunk)).jobId;
    }
    interval = result.changes.length > 0 ? caps.pollMinMs : Math.min(interval * 2, caps.pollMaxMs);
    // The interval runs from the start of the poll: a slow status exec does not stretch it.
    const wait = interval - (Date.now() - polledAt);
    if (wait > 0) await sleep(wait);
  }

  await host.long.collectChunk(plan.host, spec, chunk);
  await controlLong.indexChunk(seriesId, ranges);
  return { remaining: 0 };
}
