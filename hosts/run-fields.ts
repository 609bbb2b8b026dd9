// What a host reports about a run comes from files the run's own program can overwrite
// (`.tuplet/started`, `exit`, …), so every field is checked, one run at a time: a value that
// cannot be true fails that run with a reason naming the file and the value, and never the
// poll or the database write of the runs reported with it. Pure: used by the scan parser
// (on the host worker) and again by the recording activity (on the control worker).
import { RUN_STATES, TERMINAL_RUN_STATES, type RunState } from '../core/states.ts';
import { inRanges, type IndexRange } from '../core/ranges.ts';
import type { RunChange } from './executor.ts';

/** A process exits with 0–255; the runner writes -1 for a run whose wrapper vanished. */
export const LOWEST_EXIT_CODE = -1;
export const HIGHEST_EXIT_CODE = 255;

/** No run started before 2000: an earlier time is a broken clock or bad data. */
export const EARLIEST_RUN_TIME_MS = Date.UTC(2000, 0, 1);
/** How far past the clock that checks it a reported time may lie (clocks drift, hosts differ). */
export const CLOCK_SLACK_MS = 24 * 3600 * 1000;

/** Longest free text (a reason) kept from a host; longer text is cut. */
export const MAX_REASON_LENGTH = 300;
/** Longest piece of a bad value quoted in a reason. */
const MAX_SHOWN_LENGTH = 40;

export function isExitCode(value: unknown): value is number {
  return (
    Number.isInteger(value) && (value as number) >= LOWEST_EXIT_CODE && (value as number) <= HIGHEST_EXIT_CODE
  );
}

/** An exit code as a file holds it (`0\n`), or undefined when the text is not one. */
export function parseExitCode(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^-?\d{1,3}$/.test(trimmed)) return undefined;
  const code = Number(trimmed);
  return isExitCode(code) ? code : undefined;
}

/** Milliseconds since the epoch when `ms` is a plausible time of a run, checked against `nowMs`. */
function plausibleTime(ms: number, nowMs: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_RUN_TIME_MS && ms <= nowMs + CLOCK_SLACK_MS;
}

/** Epoch seconds as the runner writes them (`1795313473`), as ISO 8601; undefined when implausible. */
export function epochSecondsToIso(text: string, nowMs: number): string | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,12}(\.\d{1,9})?$/.test(trimmed)) return undefined;
  const ms = Number(trimmed) * 1000;
  return plausibleTime(ms, nowMs) ? new Date(ms).toISOString() : undefined;
}

/** An ISO 8601 time as it reaches the recording, normalised; undefined when implausible. */
export function checkedIsoTime(value: unknown, nowMs: number): string | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const ms = Date.parse(value);
  return plausibleTime(ms, nowMs) ? new Date(ms).toISOString() : undefined;
}

/** Text from a host fit to store and show: control characters (NUL, escapes) become `?`, cut at `max`. */
export function printable(text: string, max = MAX_REASON_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A bad value quoted in a reason: printable and short (`'1e20'`, `'xxxx…'`). */
export function shown(text: string): string {
  return `'${printable(text.trim(), MAX_SHOWN_LENGTH)}'`;
}

/**
 * One reported change as the database may record it, or undefined when it is about no run
 * of `ranges` (another chunk's, or no index at all). A final change with an impossible field
 * becomes `failed` with a reason that says which; a field of an unfinished run that cannot
 * be true is left out.
 */
export function checkedRunChange(
  change: RunChange,
  ranges: readonly IndexRange[],
  nowMs: number,
): RunChange | undefined {
  const { index } = change;
  if (!Number.isSafeInteger(index) || !inRanges(index, ranges)) {
    return undefined;
  }
  const problems: string[] = [];
  let state: RunState = change.state;
  if (!RUN_STATES.includes(state)) {
    problems.push(`unknown state ${shown(String(state))}`);
    state = 'failed';
  }
  const checked: RunChange = { index, state };
  if (change.exitCode === null) checked.exitCode = null;
  else if (change.exitCode !== undefined) {
    if (isExitCode(change.exitCode)) checked.exitCode = change.exitCode;
    else {
      problems.push(`impossible exit code ${shown(String(change.exitCode))}`);
      checked.exitCode = null;
    }
  }
  for (const field of ['startedAt', 'endedAt'] as const) {
    const value = change[field];
    if (value === undefined) continue;
    const time = checkedIsoTime(value, nowMs);
    if (time !== undefined) checked[field] = time;
    else problems.push(`impossible ${field === 'startedAt' ? 'start' : 'end'} time ${shown(String(value))}`);
  }
  const reasons = typeof change.reason === 'string' && change.reason !== '' ? [printable(change.reason)] : [];
  if (problems.length > 0 && TERMINAL_RUN_STATES.includes(state)) {
    checked.state = 'failed';
    reasons.push(`the host reported ${problems.join(', ')}`);
  }
  if (reasons.length > 0) checked.reason = printable(reasons.join('; '));
  return checked;
}
