// Small formatting helpers shared by pages (pure, also used by the CSV export).
import type { RunCounts } from './context.ts';
import { FINAL_SERIES_STATES, type SeriesState } from '../core/states.ts';

export function doneOf(counts: RunCounts): number {
  return counts.succeeded + counts.failed + counts.cancelled;
}

/** Percentage of finished runs, floored so 100% means really all of them. */
export function percentDone(counts: RunCounts, total: number): number {
  if (total <= 0) return 0;
  return Math.floor((doneOf(counts) * 100) / total);
}

export function isFinal(state: SeriesState): boolean {
  return FINAL_SERIES_STATES.includes(state);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatTime(d: Date | null | undefined): string {
  if (!d) return '';
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** A metric value as a short string (numbers rounded to 6 significant digits). */
export function formatMetric(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function stateLabel(state: string): string {
  return state.replace(/_/g, ' ');
}
