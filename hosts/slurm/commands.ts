// The commands a SLURM executor runs on its host — argument lists of constant scripts
// (hosts/slurm/scripts/*.sh) whose data come as positional arguments — and the parsers of
// what they print. Pure; the executor runs them through any Transport.
import { readFileSync } from 'node:fs';
import { HostInputError } from '../errors.ts';
import { SCAN_SCRIPT, parseScanOutput, type ScanResult } from '../scan.ts';
import { formatRanges, type IndexRange } from '../staging.ts';
import { parseSqueue, type SqueueRecord } from './squeue.ts';

const script = (name: string) => readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8');
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
}

/** The job script goes on stdin. */
export function submitCommand(a: SubmitArgs): string[] {
  const throttle = a.throttle !== undefined && a.throttle > 0 ? String(a.throttle) : '';
  return [
    'bash',
    '-c',
    SUBMIT_SCRIPT,
    'tuplet-submit',
    a.seriesDir,
    a.key,
    a.jobName,
    a.comment,
    formatRanges(a.ranges),
    String(a.size),
    throttle,
    String(a.attempt),
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

export interface PollArgs {
  seriesDir: string;
  jobName: string;
  since?: string;
  limit: number;
  jobcompFile?: string;
  keys: readonly string[];
}

export function pollCommand(a: PollArgs): string[] {
  return [
    'bash',
    '-c',
    POLL_SCRIPT,
    'tuplet-poll',
    SCAN_SCRIPT,
    a.seriesDir,
    a.jobName,
    a.since ?? '',
    String(a.limit),
    a.jobcompFile ?? '',
    ...a.keys,
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

export interface PollOutput {
  /** squeue's exit code: not 0 when the controller did not answer. */
  squeueCode: number;
  squeue: SqueueRecord[];
  /** squeue's message when it failed. */
  squeueError?: string;
  jobs: Array<{ key: string; jobId: string }>;
  ended: EndedRun[];
  scan: ScanResult;
}

export function parsePollOutput(text: string): PollOutput {
  const sections = new Map<string, string[]>();
  let squeueCode = NaN;
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^@@(squeue|jobs|ended|scan)(?: (\d+))?$/.exec(line);
    if (header) {
      current = [];
      sections.set(header[1]!, current);
      if (header[1] === 'squeue') squeueCode = Number(header[2]);
      continue;
    }
    current?.push(line);
  }
  const scanLines = sections.get('scan');
  if (!Number.isInteger(squeueCode) || scanLines === undefined) {
    throw new SlurmOutputError(`poll output without its sections: ${JSON.stringify(text.slice(0, 300))}`);
  }
  const squeueText = (sections.get('squeue') ?? []).join('\n');
  const output: PollOutput = {
    squeueCode,
    squeue: squeueCode === 0 ? parseSqueue(squeueText) : [],
    jobs: [],
    ended: [],
    scan: parseScanOutput(scanLines.join('\n')),
  };
  if (squeueCode !== 0) output.squeueError = squeueText.trim();
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
  return ['bash', '-c', CANCEL_SCRIPT, 'tuplet-cancel', seriesDir, jobName, String(waitSeconds), ...jobIds];
}

export function parseCancelOutput(stdout: string): { remaining: number } {
  const match = /cancelled (\d+)\s*$/.exec(stdout.trim());
  if (!match)
    throw new SlurmOutputError(
      `unexpected answer of the cancel script: ${JSON.stringify(stdout.slice(0, 300))}`,
    );
  return { remaining: Number(match[1]) };
}
