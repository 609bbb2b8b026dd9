// Runs commands on this machine: spawned directly from the argument list (no shell), each
// in its own process group so a timeout or an abort stops the command and everything it
// started (TERM, then KILL after a grace: hosts/transport.ts). Processes that detach on purpose (the runner, via setsid) leave that group and
// are not affected. Commands start from an allowlisted environment (PATH, HOME, the locale…:
// hosts/runner/environment.ts), never this process's: the worker's secrets
// (TUPLET_ADMIN_TOKEN, DATABASE_URL, …) reach no command, run or setup script.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import { commandEnvironment } from './runner/environment.ts';
import {
  CommandAbortedError,
  STOP_GRACE_MS,
  abortedCommand,
  collectedExec,
  type ExecOptions,
  type ExecResult,
  type StreamingExec,
  type Transport,
} from './transport.ts';

/** Tail of stderr kept for errors and results. */
const MAX_STDERR_BYTES = 64 * 1024;

/** Kept here too: callers of the local transport import it from this module. */
export { CommandAbortedError };

export class LocalTransport implements Transport {
  readonly label = 'local';
  /** Read once: the allowlist of this process's environment. */
  private readonly env = commandEnvironment();

  constructor(private readonly options: { stopGraceMs?: number } = {}) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return collectedExec(this.execStream(argv, options), argv[0] ?? '');
  }

  execStream(argv: readonly string[], options: ExecOptions = {}): StreamingExec {
    const [file, ...args] = argv;
    if (!file) throw new Error('empty command');
    if (options.signal?.aborted) return notStarted(abortedCommand(this.label, file, options.signal));
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: this.env,
      detached: true, // own process group: stopping it reaches the command's children too
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout = new PassThrough();
    child.stdout.pipe(stdout);
    const group = new ProcessGroup(child, this.options.stopGraceMs ?? STOP_GRACE_MS);

    const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        stderr = (stderr + text).slice(-MAX_STDERR_BYTES);
      });

      let failure: Error | undefined;
      const stop = (error: Error) => {
        failure ??= error;
        group.stop();
      };
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => stop(new CommandAbortedError(file, 'timeout')), options.timeoutMs)
          : undefined;
      const signal = options.signal;
      const onAbort = () => stop(abortedCommand(this.label, file, signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      stdout.on('error', stop);

      child.on('error', (error) => {
        failure ??= error;
      });
      feedStdin(child, options.stdin, stop);
      child.on('close', (code, exitSignal) => {
        group.closed();
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (failure) reject(failure);
        else resolve({ code: code ?? signalExitCode(exitSignal), stderr });
      });
    });
    // The caller may only consume stdout; an unobserved rejection must not crash the process.
    done.catch(() => undefined);
    return { stdout, done };
  }

  async close(): Promise<void> {}
}

/**
 * The command's process group, stopped as the runner's cancel stops a run: TERM, then KILL
 * after the grace unless the command has ended (its output closed) by then.
 */
class ProcessGroup {
  private graceTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly graceMs: number,
  ) {}

  stop(): void {
    if (this.graceTimer || this.ended) return;
    this.signal('SIGTERM');
    this.graceTimer = setTimeout(() => this.signal('SIGKILL'), this.graceMs);
  }

  closed(): void {
    this.ended = true;
    clearTimeout(this.graceTimer);
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined || this.ended) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }
}

/** A command refused before it was spawned (its signal was already aborted). */
function notStarted(error: Error): StreamingExec {
  const done = Promise.reject(error);
  done.catch(() => undefined);
  return { stdout: Readable.from([]), done };
}

function feedStdin(
  child: ChildProcess,
  stdin: ExecOptions['stdin'],
  onSourceError: (e: Error) => void,
): void {
  const input = child.stdin;
  if (!input) return;
  // A command that exits without reading all its input closes the pipe: not our error.
  input.on('error', () => undefined);
  if (stdin === undefined) input.end();
  else if (stdin instanceof Readable) {
    stdin.on('error', (error) => {
      input.destroy();
      onSourceError(error);
    });
    stdin.pipe(input);
  } else input.end(stdin);
}

/** 128 + signal number, as a shell reports a command killed by a signal. */
function signalExitCode(signal: NodeJS.Signals | null): number {
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}
