// How host code runs commands: on this machine (spawn, no shell) or over SSH (one pooled
// connection). Commands are argument lists; a transport that needs a command string
// (SSH) quotes every argument itself, so no user value is ever spliced into a shell string.
import type { Readable } from 'node:stream';

export interface ExecOptions {
  /** Data for the command's standard input (a tar stream, a script, …). */
  stdin?: Readable | Buffer | string;
  /** Working directory on the host. */
  cwd?: string;
  /** Kill the command (and fail) after this long. */
  timeoutMs?: number;
  /** Cancels the command, e.g. when the activity is cancelled. */
  signal?: AbortSignal;
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
