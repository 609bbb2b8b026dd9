// Runs' own start and end times, as the runs of a test append them to a log file, and how
// many of them overlapped: what proves a limit on concurrent runs without timing anything.
import { readFile } from 'node:fs/promises';

export interface Span {
  start: number;
  end: number;
  /** The rest of the line, split on spaces (e.g. the GPU, the series). */
  labels: string[];
}

/** The spans of the lines `START END [LABEL…]` in `file` (times from `date +%s.%N`). */
export async function readSpans(file: string): Promise<Span[]> {
  const text = await readFile(file, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [start, end, ...labels] = line.split(' ');
      return { start: Number(start), end: Number(end), labels };
    });
}

/** The most spans open at one instant (one ending when another starts counts as no overlap). */
export function maxOverlap(spans: ReadonlyArray<{ start: number; end: number }>): number {
  const events = spans.flatMap((s) => [
    [s.start, 1],
    [s.end, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!); // ends before starts at the same instant
  let now = 0;
  let max = 0;
  for (const [, delta] of events) max = Math.max(max, (now += delta!));
  return max;
}
