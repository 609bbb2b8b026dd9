// Pure planning of a series' chunks: which indices each child workflow runs.
// Shared by the series workflow and its tests; deterministic and free of I/O.

import type { IndexRange } from '../core/ranges.ts';

/** Children per series workflow run before continuing as new (each child costs a handful of events). */
export const CHUNKS_PER_HISTORY = 300;

export interface PlannedChunk {
  chunkIndex: number;
  /** First index of the chunk and how many consecutive indices it spans. */
  offset: number;
  length: number;
  /** Set for reruns: the indices of the chunk that run again (within [offset, offset+length)). */
  ranges?: IndexRange[];
  /** How many runs the chunk actually runs. */
  size: number;
}

/**
 * Cuts the given index ranges into chunks of at most `chunkSize` runs each. A whole series is the
 * single range [0, count); a rerun passes the ranges of the runs to repeat, and each chunk keeps
 * the sub-ranges it covers so the host runs just those.
 */
export function planChunks(ranges: readonly IndexRange[], chunkSize: number, whole: boolean): PlannedChunk[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new Error(`chunk size must be ≥ 1, got ${chunkSize}`);
  const chunks: PlannedChunk[] = [];
  let current: IndexRange[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const first = current[0]!;
    const last = current[current.length - 1]!;
    const offset = first[0];
    const length = last[1] - offset;
    chunks.push({ chunkIndex: chunks.length, offset, length, size, ...(whole ? {} : { ranges: current }) });
    current = [];
    size = 0;
  };
  for (const [start, end] of ranges) {
    let s = start;
    while (s < end) {
      const take = Math.min(end - s, chunkSize - size);
      current.push([s, s + take]);
      size += take;
      s += take;
      if (size === chunkSize) flush();
    }
  }
  flush();
  return chunks;
}
