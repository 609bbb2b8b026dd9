// A series over several hosts (docs/multi-host.md): staged on each, its chunks placed one by
// one on the host with a free lane and the most free capacity (workflows/placement.ts), each
// chunk child on its host's task queue. A host whose worker takes no step within
// `hostLostAfterMs` is lost: its chunk's unfinished runs move to another host; runs already
// recorded stay as they are. Reached from seriesWorkflow behind patch `series-over-several-hosts`.
import {
  ApplicationFailure,
  ContinueAsNew,
  condition,
  continueAsNew,
  executeChild,
  log,
  patched,
  sleep,
} from '@temporalio/workflow';
import type { HostCapabilities } from '../activities/host/types.ts';
import type { SeriesPlan } from '../activities/control/types.ts';
import { chunkWorkflowId } from '../core/naming.ts';
import { rangesSize, type IndexRange } from '../core/ranges.ts';
import type { SeriesState } from '../core/states.ts';
import { control, controlLong, hostActivities } from './activities.ts';
import { chunkWorkflow, withoutTemplate } from './chunk.ts';
import { bestEffort, endAfterError, isHostLost } from './failure.ts';
import { COLLECT_OUTPUTS_LEFT_ON_A_LOST_HOST, LeftOutputs } from './left-outputs.ts';
import { capacityOf, multiHostChunkSize, Placement, placedOn } from './placement.ts';
import {
  drainedRecheckMs,
  LIVE_CHUNKS_PER_HISTORY,
  observeHosts,
  PLACE_BY_LIVE_STATE,
} from './placement-round.ts';
import { CHUNKS_PER_HISTORY, planChunks, type PlannedChunk } from './plan.ts';
import type { SeriesTally } from './progress.ts';
import { waitForQuota } from './quota-wait.ts';
import type { ChunkWorkflowResult, SeriesWorkflowInput } from './shared.ts';

/** A host step no worker of the host starts within this is the host lost (input `hostLostAfterMs` overrides). */
export const LOST_HOST_AFTER_MS = 120_000;

export interface MultiHostContext {
  input: SeriesWorkflowInput;
  plan: SeriesPlan;
  tally: SeriesTally;
  setState: (state: SeriesState, reason?: string) => Promise<void>;
}

/** A chunk waiting for a host: the plan's, or what is left of it after its host was lost. */
interface QueuedChunk {
  planned: PlannedChunk;
  chunk: PlannedChunk;
  moves: number;
}

type ChunkOutcome =
  | { item: QueuedChunk; host: string; result: ChunkWorkflowResult }
  | { item: QueuedChunk; host: string; error: unknown };

export async function seriesOverSeveralHosts(ctx: MultiHostContext): Promise<SeriesState> {
  const { input, plan, tally, setState } = ctx;
  const { seriesId } = input;
  const lostAfterMs = input.hostLostAfterMs ?? LOST_HOST_AFTER_MS;
  const attempt = input.rerun?.attempt ?? plan.attempt;
  const names = plan.hosts!.map((p) => p.host.name);
  const lost = new Set(input.multiHost?.lostHosts ?? []);
  const on = (name: string) => ({ ...placedOn(plan, name), act: hostActivities(name, lostAfterMs) });

  try {
    const fresh = !input.rerun && input.resumeAtChunk === undefined;
    if (fresh) await waitForQuota(seriesId, setState);
    // Each host at once: its limits, and for a new series its directory and setup. A host
    // that does not answer is left out; one whose setup fails fails the series, as on one host.
    const prepare = async (name: string): Promise<HostCapabilities | string | undefined> => {
      if (lost.has(name)) return undefined;
      const { host, spec, act } = on(name);
      try {
        const [caps] = await Promise.all([
          act.quick.describeHost(host),
          fresh ? act.long.stageSeries(host, spec) : undefined,
        ]);
        if (fresh && spec.setup) {
          const setup = await act.long.setupSeries(host, withoutTemplate(spec));
          if (setup.exitCode !== 0)
            return `setup on host ${name} exited with ${setup.exitCode}: ${setup.outputTail}`;
        }
        return caps;
      } catch (error) {
        if (!isHostLost(error)) throw error;
        lost.add(name);
        log.warn('a host of the series did not answer; it is left out', { seriesId, host: name });
        return undefined;
      }
    };
    const [prepared] = await Promise.all([
      Promise.all(names.map(prepare)),
      fresh ? controlLong.createRuns(seriesId) : setState('running'),
    ]);
    const setupFailure = prepared.find((p): p is string => typeof p === 'string');
    if (setupFailure !== undefined) {
      await setState('failed', setupFailure);
      return 'failed';
    }
    const caps = new Map<string, HostCapabilities>();
    names.forEach((name, i) => {
      const answer = prepared[i];
      if (answer && typeof answer !== 'string') caps.set(name, answer);
    });
    if (caps.size === 0) throw everyHostLost(names);
    if (fresh) await setState('running');

    const reused = input.reuse?.ranges;
    const ranges = input.rerun?.ranges ?? reused ?? [[0, plan.count]];
    const chunkSize =
      input.multiHost?.chunkSize ?? multiHostChunkSize(rangesSize(ranges), [...caps.values()]);
    const chunks = planChunks(ranges, chunkSize, !input.rerun && !reused);
    const first = input.resumeAtChunk ?? 0;
    tally.planned(chunks, first);
    const live = patched(PLACE_BY_LIVE_STATE);
    const last = Math.min(chunks.length, first + (live ? LIVE_CHUNKS_PER_HISTORY : CHUNKS_PER_HISTORY));
    const placement = new Placement(
      [...caps].map(([name, c]) => ({ name, capacity: capacityOf(on(name).host, c), lanes: c.window })),
      [...lost],
    );
    const left = await placeChunks(ctx, placement, chunks.slice(first, last), attempt, lostAfterMs, live);
    for (const name of placement.lostHosts()) lost.add(name);
    await left.collect(seriesId, plan, attempt, lostAfterMs);
    if (last < chunks.length) {
      await continueAsNew<(i: SeriesWorkflowInput) => Promise<SeriesState>>({
        ...input,
        resumeAtChunk: last,
        tally: tally.carry(),
        multiHost: { chunkSize, lostHosts: [...lost] },
      });
    }

    await setState('archiving');
    await controlLong.archiveSeries(seriesId);
    const final = await control.finishSeries(seriesId);
    tally.progress.state = final;
    return final;
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    // Every host not lost stops the series' jobs; a lost one would only time out.
    const stopJobs = () =>
      Promise.all(
        names
          .filter((name) => !lost.has(name))
          .map((name) => {
            const { host, spec, act } = on(name);
            return bestEffort(seriesId, () => act.quick.cancelSeries(host, withoutTemplate(spec), []));
          }),
      );
    return endAfterError(seriesId, error, stopJobs, tally);
  }
}

/**
 * Runs the chunks, each on the host `placement` picks when a lane is free, in order. A chunk
 * whose host is lost goes back to the front of the queue with its unfinished runs only.
 */
async function placeChunks(
  ctx: MultiHostContext,
  placement: Placement,
  chunks: PlannedChunk[],
  attempt: number,
  lostAfterMs: number,
  live = false,
): Promise<LeftOutputs> {
  const { input, tally } = ctx;
  const { seriesId } = input;
  const queue: QueuedChunk[] = chunks.map((chunk) => ({ planned: chunk, chunk, moves: 0 }));
  const outcomes: ChunkOutcome[] = [];
  const left = new LeftOutputs();
  let inFlight = 0;
  let drainedWaits = 0;

  const start = (item: QueuedChunk, host: string) => {
    const { chunk } = item;
    const suffix = `${attempt > 1 ? `-attempt-${attempt}` : ''}${item.moves > 0 ? `-moved-${item.moves}` : ''}`;
    inFlight++;
    executeChild(chunkWorkflow, {
      workflowId: `${chunkWorkflowId(seriesId, chunk.chunkIndex)}${suffix}`,
      args: [
        {
          seriesId,
          chunkIndex: chunk.chunkIndex,
          offset: chunk.offset,
          length: chunk.length,
          hostName: host,
          attempt,
          hostLostAfterMs: lostAfterMs,
          // Runs given as ranges may never have been staged on this host: stage them first.
          ...(chunk.ranges ? { ranges: chunk.ranges, stageRanges: true } : {}),
        },
      ],
    }).then(
      (result) => outcomes.push({ item, host, result }),
      (error: unknown) => outcomes.push({ item, host, error }),
    );
  };

  while (queue.length > 0 || inFlight > 0) {
    if (live && queue.length > 0)
      await observeHosts(seriesId, placement, (name) => placedOn(ctx.plan, name).host);
    for (let host = pickFor(placement, queue[0]); host !== undefined; host = pickFor(placement, queue[0])) {
      const item = queue.shift()!;
      if (item.moves === 0) tally.chunkStarted(item.planned);
      start(item, host);
    }
    if (live && inFlight === 0 && placement.allDrained()) {
      log.warn('every host of the series is drained; it waits for one to be undrained', { seriesId });
      await sleep(drainedRecheckMs(drainedWaits++));
      continue;
    }
    await condition(() => outcomes.length > 0);
    const outcome = outcomes.shift()!;
    inFlight--;
    const { item, host } = outcome;
    placement.ended(host, item.chunk.size);
    if ('result' in outcome) {
      // A moved chunk reports only the runs it ran again: the planned chunk's are not all followed.
      tally.chunkEnded(item.planned, item.moves === 0 ? outcome.result : { remaining: 0 });
      continue;
    }
    if (!isHostLost(outcome.error)) throw outcome.error;
    placement.markLost(host);
    log.warn('a host of the series was lost; its chunk moves on', {
      seriesId,
      host,
      chunk: item.chunk.chunkIndex,
    });
    if (placement.liveHosts().length === 0) throw everyHostLost(placement.lostHosts());
    const rest = await control.releaseRuns(seriesId, rangesOf(item.chunk));
    // Runs that ended there keep their outputs there: the series asks the host for them once more.
    if (patched(COLLECT_OUTPUTS_LEFT_ON_A_LOST_HOST)) left.note(host, item.chunk, rest);
    if (rest.length === 0) {
      tally.chunkEnded(item.planned, { remaining: 0 });
      continue;
    }
    queue.unshift({
      planned: item.planned,
      chunk: { ...item.chunk, ranges: rest, size: rangesSize(rest) },
      moves: item.moves + 1,
    });
  }
  return left;
}

function pickFor(placement: Placement, next: QueuedChunk | undefined): string | undefined {
  return next ? placement.pick(next.chunk.size) : undefined;
}

function rangesOf(chunk: PlannedChunk): IndexRange[] {
  return chunk.ranges ?? [[chunk.offset, chunk.offset + chunk.length]];
}

function everyHostLost(names: string[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `every host of the series was lost (no worker took its steps): ${names.join(', ')}`,
    'HostsLost',
  );
}
