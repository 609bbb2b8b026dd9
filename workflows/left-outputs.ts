// What a lost host kept (docs/multi-host.md, "Outputs left on a lost host"). A chunk collects
// its runs' outputs at its end; when its host's worker is lost mid-chunk, the runs that had
// already ended there stay recorded (they are not run again) but their files stay on that
// host, and the runs that had not moved on to another host while their jobs may still run
// there. Before the series ends (or continues as new) it asks each such host once more, with
// the same schedule-to-start limit: a worker that came back (restarted, reconnected) first stops
// what the series still runs there, then collects the outputs and they are indexed; a host
// still gone keeps both, the series says so in its log, and those runs name the host
// (`outputs_left_on`) so their pages can say where their files are.
import { log, patched } from '@temporalio/workflow';
import type { SeriesPlan } from '../activities/control/types.ts';
import { inRanges, rangesOfIndices, rangesSize, type IndexRange } from '../core/ranges.ts';
import { control, controlLong, hostActivities } from './activities.ts';
import { withoutTemplate } from './chunk.ts';
import { describeFailure, isHostLost } from './failure.ts';
import { placedOn } from './placement.ts';
import type { PlannedChunk } from './plan.ts';

/** Patch: a series over several hosts collects what a lost host kept, once, before it ends. */
export const COLLECT_OUTPUTS_LEFT_ON_A_LOST_HOST = 'multi-host-collect-outputs-left-on-a-lost-host';
/** Patch: ... and first stops the jobs the series left running there (the runs moved on). */
export const STOP_JOBS_LEFT_ON_A_LOST_HOST = 'multi-host-stop-jobs-left-on-a-lost-host';
/** Patch: runs whose outputs stay on a host still lost say so (`runs.outputs_left_on`). */
export const MARK_OUTPUTS_LEFT_ON_A_LOST_HOST = 'multi-host-mark-outputs-left-on-a-lost-host';

interface LeftChunk {
  chunk: PlannedChunk;
  ranges: IndexRange[];
}

export class LeftOutputs {
  private readonly byHost = new Map<string, LeftChunk[]>();
  /** Lost hosts whose unfinished runs moved on: their jobs may still run there. */
  private readonly movedFrom = new Set<string>();

  /** The runs of `chunk` its lost host ended: all of them but `unfinished` (put back to pending). */
  note(hostName: string, chunk: PlannedChunk, unfinished: IndexRange[]): void {
    if (unfinished.length > 0) this.movedFrom.add(hostName);
    const all = chunk.ranges ?? [[chunk.offset, chunk.offset + chunk.length]];
    const ended: number[] = [];
    for (const [start, stop] of all) {
      for (let index = start; index < stop; index++) if (!inRanges(index, unfinished)) ended.push(index);
    }
    if (ended.length === 0) return;
    const left = this.byHost.get(hostName) ?? [];
    left.push({ chunk, ranges: rangesOfIndices(ended) });
    this.byHost.set(hostName, left);
  }

  /**
   * One try per host: stop the series' jobs left there (nothing of the series may run on a lost
   * host any more: it takes no chunk again), then collect and index what it kept. What fails is
   * logged; a host still gone is not asked for its outputs after it did not take the stop.
   */
  async collect(seriesId: string, plan: SeriesPlan, attempt: number, lostAfterMs: number): Promise<void> {
    const hosts = [...this.byHost];
    const movedFrom = new Set(this.movedFrom);
    // Hosts that ended none of their runs have only jobs to stop (after the others: an older
    // history asked the others in this order).
    for (const name of movedFrom) if (!this.byHost.has(name)) hosts.push([name, []]);
    this.byHost.clear();
    this.movedFrom.clear();
    await Promise.all(
      hosts.map(async ([hostName, left]) => {
        const { host, spec } = placedOn(plan, hostName);
        const act = hostActivities(hostName, lostAfterMs);
        const stays = (from: number) => left.slice(from).flatMap((l) => l.ranges);
        if (movedFrom.has(hostName) && patched(STOP_JOBS_LEFT_ON_A_LOST_HOST)) {
          try {
            await act.quick.cancelSeries(host, withoutTemplate(spec), []);
            log.info('jobs the series left on a lost host were stopped', { seriesId, host: hostName });
          } catch (error) {
            log.warn('jobs the series left on a lost host were not stopped; they may still run there', {
              seriesId,
              host: hostName,
              reason: error instanceof Error ? describeFailure(error) : String(error),
            });
            if (isHostLost(error)) {
              if (left.length > 0) await outputsStay(seriesId, hostName, stays(0), error);
              return;
            }
          }
        }
        for (const [i, { chunk, ranges }] of left.entries()) {
          try {
            await act.long.collectChunk(host, withoutTemplate(spec), {
              chunkIndex: chunk.chunkIndex,
              offset: chunk.offset,
              length: chunk.length,
              attempt,
              ranges,
            });
            await controlLong.indexChunk(seriesId, ranges);
            log.info('outputs left on a lost host were collected', { seriesId, host: hostName, ranges });
          } catch (error) {
            // The host is still gone (or failing): the rest of what it kept stays there too.
            await outputsStay(seriesId, hostName, stays(i), error);
            return;
          }
        }
      }),
    );
  }
}

/** Outputs a host still lost keeps: logged, and each run says where its files are. */
async function outputsStay(
  seriesId: string,
  host: string,
  ranges: IndexRange[],
  error: unknown,
): Promise<void> {
  log.warn('outputs of runs that ended on a lost host stay there (not collected)', {
    seriesId,
    host,
    runs: rangesSize(ranges),
    ranges,
    reason: error instanceof Error ? describeFailure(error) : String(error),
  });
  if (patched(MARK_OUTPUTS_LEFT_ON_A_LOST_HOST)) await control.markOutputsLeft(seriesId, host, ranges);
}
