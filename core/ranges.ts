// Index ranges: how a series names a set of its runs (a chunk, a rerun's selection). The one
// definition every layer uses; like all of core/, it imports nothing of the project.

/** The runs `start`, `start + 1`, …, `endExclusive - 1`. */
export type IndexRange = [start: number, endExclusive: number];

/** How many indices the ranges hold (they never overlap). */
export function rangesSize(ranges: ReadonlyArray<readonly [number, number]>): number {
  return ranges.reduce((n, [start, end]) => n + (end - start), 0);
}

/** Whether `index` is one of the ranges' indices. */
export function inRanges(index: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  return ranges.some(([start, end]) => start <= index && index < end);
}

/** The indices as the fewest sorted ranges (duplicates are one index). */
export function rangesOfIndices(indices: readonly number[]): IndexRange[] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const ranges: IndexRange[] = [];
  for (const index of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === index) last[1] = index + 1;
    else ranges.push([index, index + 1]);
  }
  return ranges;
}
