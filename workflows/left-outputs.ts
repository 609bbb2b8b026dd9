// Outputs a lost host kept (docs/multi-host.md, "Outputs left on a lost host"). A chunk collects
// its runs' outputs at its end; when its host's worker is lost mid-chunk, the runs that had
// already ended there stay recorded (they are not run again) but their files stay on that
// host. Before the series ends (or continues as new) it asks each such host once more, with
// the same schedule-to-start limit: a worker that came back (restarted, reconnected) collects
// them then and they are indexed; a host still gone keeps them, and the series says so in its log.
import { log } from '@temporalio/workflow';
import type { SeriesPlan } from '../activities/control/types.ts';
import { inRanges, rangesOfIndices, rangesSize, type IndexRange } from '../core/ranges.ts';
import { controlLong, hostActivities } from './activities.ts';
import { withoutTemplate } from './chunk.ts';
import { describeFailure } from './failure.ts';
import { placedOn } from './placement.ts';
import type { PlannedChunk } from './plan.ts';

/** Patch: a series over several hosts collects what a lost host kept, once, before it ends. */
export const COLLECT_OUTPUTS_LEFT_ON_A_LOST_HOST = 'multi-host-collect-outputs-left-on-a-lost-host';

interface LeftChunk {
  chunk: PlannedChunk;
  ranges: IndexRange[];
}

export class LeftOutputs {
  private readonly byHost = new Map<string, LeftChunk[]>();

  /** The runs of `chunk` its lost host ended: all of them but `unfinished` (put back to pending). */
  note(hostName: string, chunk: PlannedChunk, unfinished: IndexRange[]): void {
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

  /** One try per host to collect and index what it kept; what fails is logged and stays there. */
  async collect(seriesId: string, plan: SeriesPlan, attempt: number, lostAfterMs: number): Promise<void> {
    const hosts = [...this.byHost];
    this.byHost.clear();
    await Promise.all(
      hosts.map(async ([hostName, left]) => {
        const { host, spec } = placedOn(plan, hostName);
        const act = hostActivities(hostName, lostAfterMs);
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
            const stays = left.slice(i).flatMap((l) => l.ranges);
            log.warn('outputs of runs that ended on a lost host stay there (not collected)', {
              seriesId,
              host: hostName,
              runs: rangesSize(stays),
              ranges: stays,
              reason: error instanceof Error ? describeFailure(error) : String(error),
            });
            return;
          }
        }
      }),
    );
  }
}
