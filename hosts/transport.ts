// How host code runs commands: on this machine (spawn, no shell) or over SSH (one pooled
// connection). Commands are argument lists; a transport that needs a command string
// (SSH) quotes every argument itself, so no user value is ever spliced into a shell string.
//
// Stopping a command (a timeout, too much output, an abort) signals its whole process group
// as the runner's cancel does: TERM, then KILL after a grace period if the command has not
// ended. An aborted command rejects with core's AbortError (what Temporal reports as a
// cancelled activity); a timeout or an oversized output with CommandAbortedError.
import type { Readable } from 'node:stream';
import { AbortError } from '../core/errors.ts';

export interface ExecOptions {
  /** Data for the command's standard input (a tar stream, a script, …). */
  stdin?: Readable | Buffer | string;
  /** Working directory on the host. */
  cwd?: string;
  /** Kill the command (and fail) after this long. */
  timeoutMs?: number;
  /** Cancels the command, e.g. when the activity is cancelled: its process group is stopped. */
  signal?: AbortSignal;
  /**
   * A short command that may run on the host's one long-lived shell (SSH; hosts/ssh/shell-channel.ts)
   * instead of an exec of its own. `read-only`: safe to run twice, so it is run again once on a
   * fresh exec when that shell dies under it (polls, describes); `once`: never repeated (a submit),
   * the loss is reported. It must leave nothing behind that writes to its outputs. Ignored by
   * other transports and when stdin is given.
   */
  shared?: 'read-only' | 'once';
}

/** Between the TERM and the KILL of a stopped command's process group (the runner's cancel waits 5 s too). */
export const STOP_GRACE_MS = 5_000;
/** Output kept from `exec` (stdout) before the command is stopped as too talkative. */
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;

/** A command its transport stopped: it ran past its time limit, or wrote too much. */
export class CommandAbortedError extends Error {
  override name = 'CommandAbortedError';
  constructor(
    readonly command: string,
    readonly why: 'timeout' | 'output too large',
  ) {
    super(`${command}: ${why}`);
  }
}

/** The error of a command stopped because `signal` was aborted, naming where and why. */
export function abortedCommand(where: string, command: string, signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? '' : String(reason);
  return new AbortError(`${where}: ${command} aborted${why ? ` (${why})` : ''}`, { cause: reason });
}

/** `exec` on top of `execStream`: stdout collected (bounded), for transports to share. */
export async function collectedExec(running: StreamingExec, command: string): Promise<ExecResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  running.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_STDOUT_BYTES) running.stdout.destroy(new CommandAbortedError(command, 'output too large'));
    else chunks.push(chunk);
  });
  const { code, stderr } = await running.done;
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr };
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StreamingExec {
  /** The command's standard output, for large results such as tar streams. */
  stdout: Readable;
  /** Settles when the command exits; stderr is captured (bounded). */
  done: Promise<{ code: number; stderr: string }>;
}

export interface Transport {
  /** A label for logs and errors, e.g. `local` or `user@host:22`. */
  readonly label: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  execStream(argv: readonly string[], options?: ExecOptions): StreamingExec;
  close(): Promise<void>;
}
