// The poll scan: one command per series and interval that reports which runs changed
// since a cursor (from the per-run files `.tuplet/{started,exit,…}`) and which chunk
// runners are alive. The script is constant text; the series directory, the cursor and
// the limit reach it as positional arguments, never spliced into it.
// Needs GNU find (-newermt, -printf), sort and awk on the host.
import type { RunChange } from './executor.ts';
import { ADMISSION_SH, loadScript } from './runner/load-script.ts';
import { LOWEST_EXIT_CODE, epochSecondsToIso, parseExitCode, printable, shown } from './run-fields.ts';

/** Seconds the next cursor is set back, for file times written around the scan. */
export const SCAN_OVERLAP_SECONDS = 2;
/** Default bound on the runs reported by one scan. */
export const DEFAULT_SCAN_LIMIT = 20_000;
/**
 * Bound on one page of changes, in bytes of their JSON: a poll's changes travel through the
 * workflow's history twice (the poll's result, the record's input), and a chunk of 10,000 runs
 * rescanned whole came to 865 KB, where Temporal warns at 512 KB and fails at 2 MB. The rest
 * of a cut page comes with the next poll, at once.
 */
export const SCAN_PAGE_BYTES = 128 * 1024;

/** The scan script (its output format is described in its header). */
export const SCAN_SCRIPT = loadScript(new URL('./runner/tuplet-scan.sh', import.meta.url));

/**
 * The scans of several series in one exec (one status round trip), each after a line
 * `@@series DIR`. First, when given, the host's admission thresholds go to the pool's file
 * (hosts/runner/lib/admission.sh) unless it says so already: waiting runners see a change
 * within one poll, at the cost of no process when nothing changed.
 */
const SCAN_MANY_SCRIPT = `${ADMISSION_SH}
scan=$1 limit=$2 pool=$3 admission=$4
shift 4
[[ -n $pool && -n $admission ]] && admission_store "$pool" "$admission"
while (($# >= 3)); do
  printf '@@series %s\\n' "$1"
  bash -c "$scan" tuplet-scan "$1" "$2" "$limit" "$3"
  shift 3
done`;

/**
 * The run lists of a runner's chunks (written by hosts/runner/tuplet-runner.sh), relative to
 * the series directory: what a scan limited to those chunks reads.
 */
export function runnerChunkLists(chunkIndexes: readonly number[]): string[] {
  return [...new Set(chunkIndexes)].map((index) => `.tuplet/chunk-${index}.list`);
}

export function scanManyCommand(
  series: ReadonlyArray<{ seriesDir: string; since?: string; lists?: readonly string[] }>,
  limit?: number,
  admission?: { poolDir: string; line: string },
): string[] {
  return [
    'bash',
    '-c',
    SCAN_MANY_SCRIPT,
    'tuplet-scan-many',
    SCAN_SCRIPT,
    String(limit ?? DEFAULT_SCAN_LIMIT),
    admission?.poolDir ?? '',
    admission?.line ?? '',
    ...series.flatMap((one) => [one.seriesDir, one.since ?? '', (one.lists ?? []).join(',')]),
  ];
}

/** The scans of `scanManyCommand`, in the order asked; `asked[i]` says which runs scan i is for. */
export function parseScanManyOutput(text: string, asked: readonly RunsAsked[] = []): ScanResult[] {
  const parts = text.split(/^@@series .*\n/m).slice(1);
  return parts.map((part, i) => parseScanOutput(part, asked[i]));
}

/** The runs a poll asks about: only their changes count toward the page's bytes (default: all). */
export type RunsAsked = (index: number) => boolean;

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
  /** Set when the scan stopped at its limit or the page's bytes: the mtime of the last run reported. */
  truncatedAt?: string;
  runners: ScannedRunner[];
  /** The series directory does not exist (yet, or any more). */
  missing: boolean;
  /** Why a runner of the series waits for the host's load to fall (hosts/runner/lib/admission.sh). */
  waiting?: string;
}

export class ScanParseError extends Error {
  override name = 'ScanParseError';
}

/**
 * Parses the scan's output (pure). Unknown lines are ignored. What a run's files say is
 * checked run by run (hosts/run-fields.ts): an ended run with a value that cannot be true is
 * `failed` with a reason naming the file and the value, and the rest of the scan stands.
 * Only output without the host time, which the script prints before it reads any file,
 * throws. The runs kept stop once the changes of the runs `asked` about reach `pageBytes`
 * (then `truncatedAt` is set as by the script's own limit).
 */
export function parseScanOutput(
  text: string,
  asked: RunsAsked = () => true,
  pageBytes = SCAN_PAGE_BYTES,
): ScanResult {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const hostNow = Number(lines.find((fields) => fields[0] === 'N')?.[1] ?? NaN);
  if (!Number.isFinite(hostNow)) throw new ScanParseError('scan output lacks the host time (N line)');
  const result: ScanResult = { hostNow, runs: [], runners: [], missing: false };
  // The page ends, like the script's own cut, only between two file times: the next scan
  // asks for runs strictly newer than the last time reported, so runs sharing it stay here.
  let bytes = 0;
  let lastTime: string | undefined;
  let cut = false;
  for (const fields of lines) {
    if (cut && (fields[0] === 'R' || fields[0] === 'T')) continue;
    switch (fields[0]) {
      case 'E':
        result.missing = true;
        break;
      case 'W':
        if (fields[1]?.trim()) result.waiting = printable(fields.slice(1).join(' ').trim());
        break;
      case 'T':
        if (isFileTime(fields[1])) result.truncatedAt = fields[1];
        break;
      case 'R': {
        const time = fields[7];
        if (bytes >= pageBytes && lastTime !== undefined && time !== lastTime) {
          cut = true;
          result.truncatedAt = lastTime;
          break;
        }
        const run = parseRunLine(fields, hostNow * 1000);
        if (run) {
          result.runs.push(run);
          // Runs of other chunks are dropped by the executor: they cost the page nothing.
          if (asked(run.index)) bytes += Buffer.byteLength(JSON.stringify(run));
        }
        if (isFileTime(time)) lastTime = time;
        break;
      }
      case 'J': {
        const runner = parseRunnerLine(fields);
        if (runner) result.runners.push(runner);
        break;
      }
    }
  }
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

/** A file time as find prints it (`1795313476.0164572110`): what the next cursor may be. */
function isFileTime(text: string | undefined): text is string {
  return text !== undefined && /^\d{1,12}(\.\d{1,10})?$/.test(text);
}

function parseRunLine(fields: string[], nowMs: number): ScannedRun | undefined {
  const [, dir = '', attempt = '', started = '', ended = '', exit = '', reason = ''] = fields;
  const index = indexOfDir(dir);
  if (index === undefined || !Number.isSafeInteger(index)) return undefined;
  const file = (name: string) => `runs/${printable(dir, 120)}/.tuplet/${name}`;
  const problems: string[] = [];
  const run: ScannedRun = { index, dir, state: 'running' };
  if (/^\d{1,9}$/.test(attempt.trim())) run.attempt = Number(attempt.trim());
  else if (attempt.trim() !== '')
    problems.push(`unreadable attempt in ${file('attempt')}: ${shown(attempt)}`);
  if (started.trim() !== '') {
    const startedAt = epochSecondsToIso(started, nowMs);
    if (startedAt) run.startedAt = startedAt;
    else problems.push(`unreadable start time in ${file('started')}: ${shown(started)}`);
  }
  if (exit.trim() === '') {
    // Only a claim, no start time yet: nothing to report until the next scan. A run still
    // going is reported without the fields it garbled; they fail it when it ends.
    return started.trim() === '' ? undefined : run;
  }
  const code = parseExitCode(exit);
  const note = printable(reason.trim());
  if (code === undefined) problems.push(`unreadable exit code in ${file('exit')}: ${shown(exit)}`);
  if (ended.trim() !== '') {
    const endedAt = epochSecondsToIso(ended, nowMs);
    if (endedAt) run.endedAt = endedAt;
    else problems.push(`unreadable end time in ${file('ended')}: ${shown(ended)}`);
  }
  if (problems.length > 0) {
    run.state = 'failed';
    run.exitCode = code ?? null;
    run.reason = printable([note, ...problems].filter(Boolean).join('; '));
  } else if (note === 'LOST' || code === LOWEST_EXIT_CODE) {
    run.state = 'failed';
    run.exitCode = null;
    run.reason = note || 'LOST';
  } else {
    run.state = code === 0 ? 'succeeded' : 'failed';
    run.exitCode = code!;
    if (note !== '') run.reason = note;
  }
  return run;
}

/** A chunk runner's line; undefined when garbled (its runner then counts as gone). */
function parseRunnerLine(fields: string[]): ScannedRunner | undefined {
  const [, chunk = '', pid = '', startTime = '', attempt = '', alive = '', done = ''] = fields;
  if (![chunk, pid, attempt].every((n) => /^\d{1,9}$/.test(n)) || !/^[\w:.-]{1,64}$/.test(startTime)) {
    return undefined;
  }
  const runner: ScannedRunner = {
    chunkIndex: Number(chunk),
    pid: Number(pid),
    startTime,
    attempt: Number(attempt),
    alive: alive === '1',
  };
  if (/^\d{1,9}$/.test(done)) runner.doneAttempt = Number(done);
  return runner;
}
