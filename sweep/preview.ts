// The preview of a sweep: what `tuplet expand --json` prints and POST /api/v1/sweeps/preview answers.
import type { Sweep } from './parse.ts';
import { tuplesInRange } from './tuples.ts';

export interface SweepPreview {
  /** A string when the count exceeds Number.MAX_SAFE_INTEGER (JSON has no exact big integers). */
  count: number | string;
  parameters: { section: string | null; key: string; values: string[] }[];
  tuples: { index: number; dir: string; values: Record<string, string> }[];
}

export function previewOf(sweep: Sweep, limit = 20): SweepPreview {
  // At most `limit` tuples (a negative or NaN limit shows none, Infinity shows all).
  const wanted = Number.isNaN(limit) ? 0 : Math.max(0, Math.floor(limit));
  const end = wanted === Infinity || BigInt(wanted) >= sweep.count ? sweep.count : BigInt(wanted);
  const count = sweep.count <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sweep.count) : sweep.count.toString();
  return {
    count,
    parameters: sweep.parameters.map(({ section, key, values }) => ({ section, key, values: [...values] })),
    tuples: [...tuplesInRange(sweep, 0, end)].map(({ index, dir, values }) => ({
      index: Number(index),
      dir,
      values,
    })),
  };
}
