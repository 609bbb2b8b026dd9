// The commands a SLURM executor runs on its host — argument lists of constant scripts
// (hosts/slurm/scripts/*.sh) whose data come as positional arguments — and the parsers of
// what they print. Pure; the executor runs them through any Transport.
// The scripts get the SLURM states they must tell apart as their first argument, from the
// state map in squeue.ts, rather than a copy in their text: one map, one rule for a state
// it does not know, and the scripts stay constant text (test/hosts/slurm/states.test.ts runs
// them on every state and compares).
import { HostInputError } from '../errors.ts';
import { loadScript } from '../runner/load-script.ts';
import { SCAN_SCRIPT, parseScanOutput, type RunsAsked, type ScanResult } from '../scan.ts';
import { formatRanges, type IndexRange } from '../staging.ts';
import { FAILED_STATES, OVER_STATES, parseSqueue, type SqueueRecord } from './squeue.ts';

const script = (name: string) => loadScript(new URL(`./scripts/${name}`, import.meta.url));
export const SUBMIT_SCRIPT = script('submit.sh');
export const POLL_SCRIPT = script('poll.sh');
export const CANCEL_SCRIPT = script('cancel.sh');

/** Environment for every command (e.g. `SLURM_CONF`), set through `env`, never a shell. */
export function withEnv(env: Record<string, string> | undefined, argv: string[]): string[] {
  const pairs = Object.entries(env ?? {});
  if (pairs.length === 0) return argv;
  for (const [name] of pairs) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new HostInputError(`bad environment variable name ${name}`);
  }
  return ['env', ...pairs.map(([name, value]) => `${name}=${value}`), ...argv];
}

export function showConfigCommand(): string[] {
  return ['scontrol', 'show', 'config'];
}

export interface SubmitArgs {
  seriesDir: string;
  key: string;
  jobName: string;
  comment: string;
  ranges: readonly IndexRange[];
  size: number;
  throttle?: number;
  attempt: number;
  /** The job script (hosts/slurm/sbatch-script.ts), when it goes as an argument. */
  script?: string;
}

/**
 * Below this, the job script is an argument rather than stdin: a command without stdin may run
 * on the host's one long-lived shell (an SSH exec's start saved on the way to the first sbatch).
 * Linux takes at most 128 KiB in one argument; a larger script (a long admin environment) goes
 * on stdin, through an exec of its own.
 */
export const SCRIPT_ARGUMENT_BYTES = 64 * 1024;

/** `script`, when given, must be at most SCRIPT_ARGUMENT_BYTES; otherwise it goes on stdin. */
export function submitCommand(a: SubmitArgs): string[] {
  const throttle = a.throttle !== undefined && a.throttle > 0 ? String(a.throttle) : '';
  return [
    'bash',
    '-c',
    SUBMIT_SCRIPT,
    'tuplet-submit',
    OVER_STATES.join(','),
    a.seriesDir,
    a.key,
    a.jobName,
    a.comment,
    formatRanges(a.ranges),
    String(a.size),
    throttle,
    String(a.attempt),
    ...(a.script !== undefined ? [a.script] : []),
  ];
}

/** submit.sh's exit codes besides 0. */
export const SUBMIT_REFUSED = 42;
export const SUBMIT_UNAVAILABLE = 75;

export type SubmitOutcome =
  { kind: 'submitted' | 'reused' | 'resubmitted'; jobId: string } | { kind: 'cancelled' };

export class SlurmOutputError extends Error {
  override name = 'SlurmOutputError';
}

export function parseSubmitOutput(stdout: string): SubmitOutcome {
  const last = stdout.trim().split('\n').pop() ?? '';
  const match = /^(submitted|reused|resubmitted) (\d+)$/.exec(last);
  if (match) return { kind: match[1] as 'submitted' | 'reused' | 'resubmitted', jobId: match[2]! };
  if (last === 'cancelled') return { kind: 'cancelled' };
  throw new SlurmOutputError(
    `unexpected answer of the submit script: ${JSON.stringify(stdout.slice(0, 300))}`,
  );
}

/** One series of a poll: its directory, job name, scan cursor and the chunks asked about. */
export interface PollSeriesArgs {
  seriesDir: string;
  jobName: string;
  since?: string;
  keys: readonly string[];
}

export interface PollArgs {
  limit: number;
  jobcompFile?: string;
  series: readonly PollSeriesArgs[];
}

const CHUNK_KEY = /^chunk-\d+\.a\d+$/;

/** One exec for every series polled: four arguments a series (poll.sh's header says which). */
export function pollCommand(a: PollArgs): string[] {
  if (a.series.length === 0) throw new HostInputError('a poll needs at least one series');
  const perSeries = a.series.flatMap((one) => {
    for (const key of one.keys) {
      if (!CHUNK_KEY.test(key)) throw new HostInputError(`not a chunk key: ${JSON.stringify(key)}`);
    }
    return [one.seriesDir, one.jobName, one.since ?? '', one.keys.join(',')];
  });
  return [
    'bash',
    '-c',
    POLL_SCRIPT,
    'tuplet-poll',
    FAILED_STATES.join(','),
    SCAN_SCRIPT,
    String(a.limit),
    a.jobcompFile ?? '',
    ...perSeries,
  ];
}

/** A run whose array task the scheduler ended (not COMPLETED), without an exit file or with a signal's. */
export interface EndedRun {
  key: string;
  jobId: string;
  task: number;
  index: number;
  state: string;
  endTime: string;
  /** The exit file's code when there is one (≥ 128: the run died of a signal). */
  exitCode?: number;
}

/** What a poll printed about one series. */
export interface SeriesPollOutput {
  seriesDir: string;
  jobs: Array<{ key: string; jobId: string }>;
  ended: EndedRun[];
  scan: ScanResult;
}

export interface PollOutput {
  /** squeue's exit code: not 0 when the controller did not answer. */
  squeueCode: number;
  /** The records of every series polled (each carries its job name). */
  squeue: SqueueRecord[];
  /** squeue's message when it failed. */
  squeueError?: string;
  /** One entry per series, in the order they were asked for. */
  series: SeriesPollOutput[];
}

export function parsePollOutput(text: string, asked: readonly RunsAsked[] = []): PollOutput {
  const lines = text.split('\n');
  const squeueHeader = /^@@squeue (\d+)$/.exec(lines[0] ?? '');
  if (!squeueHeader) {
    throw new SlurmOutputError(
      `poll output without its squeue section: ${JSON.stringify(text.slice(0, 300))}`,
    );
  }
  const squeueCode = Number(squeueHeader[1]);
  const squeueLines: string[] = [];
  const series: Array<{ seriesDir: string; sections: Map<string, string[]> }> = [];
  let current = squeueLines;
  for (const line of lines.slice(1)) {
    const seriesHeader = /^@@series (.*)$/.exec(line);
    if (seriesHeader) {
      series.push({ seriesDir: seriesHeader[1]!, sections: new Map() });
      current = [];
      continue;
    }
    const section = /^@@(jobs|ended|scan)$/.exec(line);
    if (section && series.length > 0) {
      current = [];
      series[series.length - 1]!.sections.set(section[1]!, current);
      continue;
    }
    current.push(line);
  }
  const squeueText = squeueLines.join('\n');
  const output: PollOutput = {
    squeueCode,
    squeue: squeueCode === 0 ? parseSqueue(squeueText) : [],
    series: series.map(({ seriesDir, sections }, i) =>
      parseSeriesSections(seriesDir, sections, text, asked[i]),
    ),
  };
  if (squeueCode !== 0) output.squeueError = squeueText.trim();
  return output;
}

function parseSeriesSections(
  seriesDir: string,
  sections: Map<string, string[]>,
  text: string,
  asked: RunsAsked | undefined,
): SeriesPollOutput {
  const scanLines = sections.get('scan');
  if (scanLines === undefined) {
    throw new SlurmOutputError(
      `poll output of ${seriesDir} without its scan: ${JSON.stringify(text.slice(0, 300))}`,
    );
  }
  const output: SeriesPollOutput = {
    seriesDir,
    jobs: [],
    ended: [],
    scan: parseScanOutput(scanLines.join('\n'), asked),
  };
  for (const line of sections.get('jobs') ?? []) {
    const [key, jobId] = line.split('\t');
    if (key && jobId) output.jobs.push({ key, jobId });
  }
  for (const line of sections.get('ended') ?? []) {
    const [key, jobId, task, index, state, endTime = '', exit = ''] = line.split('\t');
    if (!key || !jobId || !state || !/^\d+$/.test(task ?? '') || !/^\d+$/.test(index ?? '')) continue;
    const ended: EndedRun = { key, jobId, task: Number(task), index: Number(index), state, endTime };
    if (/^-?\d+$/.test(exit.trim())) ended.exitCode = Number(exit.trim());
    output.ended.push(ended);
  }
  return output;
}

export function cancelCommand(
  seriesDir: string,
  jobName: string,
  waitSeconds: number,
  jobIds: readonly string[],
): string[] {
  for (const id of jobIds) {
    if (!/^\d+(_\d+)?$/.test(id)) throw new HostInputError(`not a SLURM job id: ${JSON.stringify(id)}`);
  }
  return [
    'bash',
    '-c',
    CANCEL_SCRIPT,
    'tuplet-cancel',
    OVER_STATES.join(','),
    seriesDir,
    jobName,
    String(waitSeconds),
    ...jobIds,
  ];
}

export function parseCancelOutput(stdout: string): { remaining: number } {
  const match = /cancelled (\d+)\s*$/.exec(stdout.trim());
  if (!match)
    throw new SlurmOutputError(
      `unexpected answer of the cancel script: ${JSON.stringify(stdout.slice(0, 300))}`,
    );
  return { remaining: Number(match[1]) };
}
