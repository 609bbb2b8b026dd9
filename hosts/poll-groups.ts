// Several polls of one host answered by one status round trip: the chunks asked about are
// grouped by series (one scan per series, from the earliest cursor asked), and each asker
// gets back what concerns its own chunks (the executors filter by chunk).
import { inRanges } from '../core/ranges.ts';
import type { PollItem, PollRequest, PollResult, SeriesSpec } from './executor.ts';
import { chunkRanges } from './staging.ts';

export interface PollGroup {
  series: SeriesSpec;
  /** The earliest cursor of the group's askers; undefined: scan from the beginning. */
  since: string | undefined;
  chunks: PollRequest['chunks'];
}

export function groupPollItems(items: readonly PollItem[]): { groups: PollGroup[]; groupOf: number[] } {
  const bySeries = new Map<string, PollGroup>();
  const groups: PollGroup[] = [];
  const groupOf = items.map(({ series, request }) => {
    let group = bySeries.get(series.seriesId);
    if (group === undefined) {
      group = { series, since: request.cursor, chunks: [] };
      bySeries.set(series.seriesId, group);
      groups.push(group);
    } else {
      group.since = earlierCursor(group.since, request.cursor);
    }
    group.chunks.push(...request.chunks);
    return groups.indexOf(group);
  });
  return { groups, groupOf };
}

/** Whether a run is one of the group's chunks' (what its scan is read for). */
export function askedBy(group: PollGroup): (index: number) => boolean {
  const ranges = group.chunks.flatMap((chunk) => chunkRanges(chunk));
  return (index) => inRanges(index, ranges);
}

/** Cursors are host epoch seconds as text; an absent one means "from the beginning". */
export function earlierCursor(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return undefined;
  return Number(b) < Number(a) ? b : a;
}

/** `poll` of an executor that answers many at once. */
export async function pollOne(
  pollMany: (items: PollItem[]) => Promise<Array<PollResult | Error>>,
  series: SeriesSpec,
  request: PollRequest,
): Promise<PollResult> {
  const [result] = await pollMany([{ series, request }]);
  if (result === undefined) throw new Error('a poll answered nothing');
  if (result instanceof Error) throw result;
  return result;
}
