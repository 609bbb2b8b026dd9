// The poll scan: one command per series and interval that reports which runs changed
// since a cursor (from the per-run files `.tuplet/{started,exit,…}`) and which chunk
// runners are alive. The script is constant text; the series directory, the cursor and
// the limit reach it as positional arguments, never spliced into it.
// Needs GNU find (-newermt, -printf), sort and awk on the host.
import { readFileSync } from 'node:fs';
import type { RunChange } from './executor.ts';

/** Seconds the next cursor is set back, for file times written around the scan. */
export const SCAN_OVERLAP_SECONDS = 2;
/** Default bound on the runs reported by one scan. */
export const DEFAULT_SCAN_LIMIT = 20_000;

/** The scan script (its output format is described in its header). */
export const SCAN_SCRIPT = readFileSync(new URL('./runner/tuplet-scan.sh', import.meta.url), 'utf8');

/** The scans of several series in one exec (one status round trip), each after a line `@@series DIR`. */
const SCAN_MANY_SCRIPT = `scan=$1 limit=$2
shift 2
while (($# >= 2)); do
  printf '@@series %s\\n' "$1"
  bash -c "$scan" tuplet-scan "$1" "$2" "$limit"
  shift 2
done`;

export function scanManyCommand(
  series: ReadonlyArray<{ seriesDir: string; since?: string }>,
  limit?: number,
): string[] {
  return [
    'bash',
    '-c',
    SCAN_MANY_SCRIPT,
    'tuplet-scan-many',
    SCAN_SCRIPT,
    String(limit ?? DEFAULT_SCAN_LIMIT),
    ...series.flatMap((one) => [one.seriesDir, one.since ?? '']),
  ];
}

/** The scans of `scanManyCommand`, in the order asked. */
export function parseScanManyOutput(text: string): ScanResult[] {
  const parts = text.split(/^@@series .*\n/m).slice(1);
  return parts.map(parseScanOutput);
}

/** A run's state as read from its files, with what the executor needs to filter it. */
export interface ScannedRun extends RunChange {
  dir: string;
  /** The attempt that wrote the files (absent when the writer records none). */
  attempt?: number;
}

export interface ScannedRunner {
  chunkIndex: number;
  pid: number;
  startTime: string;
  attempt: number;
  alive: boolean;
  /** The attempt whose runner finished all its runs, if any. */
  doneAttempt?: number;
}

export interface ScanResult {
  /** Host clock (epoch seconds) when the scan began. */
  hostNow: number;
  runs: ScannedRun[];
  /** Set when the scan stopped at its limit: the mtime of the last run reported. */
  truncatedAt?: string;
  runners: ScannedRunner[];
  /** The series directory does not exist (yet, or any more). */
  missing: boolean;
}

export class ScanParseError extends Error {
  override name = 'ScanParseError';
}

/** Parses the scan's output (pure). Unknown lines are ignored; malformed known ones throw. */
export function parseScanOutput(text: string): ScanResult {
  const result: ScanResult = { hostNow: NaN, runs: [], runners: [], missing: false };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields = line.split('\t');
    switch (fields[0]) {
      case 'N':
        result.hostNow = Number(fields[1]);
        break;
      case 'E':
        result.missing = true;
        break;
      case 'T':
        result.truncatedAt = fields[1];
        break;
      case 'R': {
        const run = parseRunLine(fields);
        if (run) result.runs.push(run);
        break;
      }
      case 'J':
        result.runners.push(parseRunnerLine(fields, line));
        break;
    }
  }
  if (!Number.isFinite(result.hostNow)) throw new ScanParseError('scan output lacks the host time (N line)');
  return result;
}

/** The cursor for the next scan: where a cut scan stopped, else the host time less the overlap. */
export function nextCursor(scan: ScanResult): string {
  if (scan.truncatedAt !== undefined) return scan.truncatedAt;
  return String(Math.max(0, scan.hostNow - SCAN_OVERLAP_SECONDS));
}

/** The run index encoded as the zero-padded prefix of its directory name. */
export function indexOfDir(dir: string): number | undefined {
  const digits = /^(\d+)/.exec(dir)?.[1];
  return digits === undefined ? undefined : Number(digits);
}

function parseRunLine(fields: string[]): ScannedRun | undefined {
  const [, dir = '', attempt = '', started = '', ended = '', exit = '', reason = ''] = fields;
  const index = indexOfDir(dir);
  if (index === undefined) return undefined;
  const run: ScannedRun = { index, dir, state: 'running' };
  if (/^\d+$/.test(attempt)) run.attempt = Number(attempt);
  const startedAt = epochToIso(started);
  if (startedAt) run.startedAt = startedAt;
  if (exit.trim() !== '') {
    const code = Number(exit.trim());
    const lost = reason.trim() === 'LOST' || !Number.isInteger(code) || code < 0;
    run.state = !lost && code === 0 ? 'succeeded' : 'failed';
    run.exitCode = lost ? null : code;
    if (lost) run.reason = reason.trim() || 'LOST';
    else if (reason.trim() !== '') run.reason = reason.trim();
    const endedAt = epochToIso(ended);
    if (endedAt) run.endedAt = endedAt;
  } else if (!run.startedAt) {
    // Only a claim, no start time yet: nothing to report until the next scan.
    return undefined;
  }
  return run;
}

function parseRunnerLine(fields: string[], line: string): ScannedRunner {
  const [, chunk = '', pid = '', startTime = '', attempt = '', alive = '', done = ''] = fields;
  const runner: ScannedRunner = {
    chunkIndex: Number(chunk),
    pid: Number(pid),
    startTime,
    attempt: Number(attempt),
    alive: alive === '1',
  };
  if (!Number.isInteger(runner.chunkIndex) || !Number.isInteger(runner.pid)) {
    throw new ScanParseError(`bad runner line: ${line}`);
  }
  if (/^\d+$/.test(done)) runner.doneAttempt = Number(done);
  return runner;
}

function epochToIso(text: string): string | undefined {
  const seconds = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(seconds)) return undefined;
  return new Date(seconds * 1000).toISOString();
}
