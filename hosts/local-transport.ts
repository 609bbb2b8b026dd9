// Runs commands on this machine: spawned directly from the argument list (no shell), each
// in its own process group so a timeout or an abort kills the command and everything it
// started. Processes that detach on purpose (the runner, via setsid) leave that group and
// are not affected. Commands start from an allowlisted environment (PATH, HOME, the locale…:
// hosts/runner/environment.ts), never this process's: the worker's secrets
// (TUPLET_ADMIN_TOKEN, DATABASE_URL, …) reach no command, run or setup script.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import { commandEnvironment } from './runner/environment.ts';
import type { ExecOptions, ExecResult, StreamingExec, Transport } from './transport.ts';

/** Output kept from `exec` (stdout) before the command is failed as too talkative. */
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
/** Tail of stderr kept for errors and results. */
const MAX_STDERR_BYTES = 64 * 1024;

export class CommandAbortedError extends Error {
  override name = 'CommandAbortedError';
  constructor(
    readonly command: string,
    readonly why: 'timeout' | 'aborted' | 'output too large',
  ) {
    super(`${command}: ${why}`);
  }
}

export class LocalTransport implements Transport {
  readonly label = 'local';
  /** Read once: the allowlist of this process's environment. */
  private readonly env = commandEnvironment();

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const running = this.execStream(argv, options);
    const chunks: Buffer[] = [];
    let size = 0;
    running.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_STDOUT_BYTES) {
        running.stdout.destroy(new CommandAbortedError(argv[0] ?? '', 'output too large'));
        return;
      }
      chunks.push(chunk);
    });
    return running.done.then(({ code, stderr }) => ({
      code,
      stdout: Buffer.concat(chunks).toString('utf8'),
      stderr,
    }));
  }

  execStream(argv: readonly string[], options: ExecOptions = {}): StreamingExec {
    const [file, ...args] = argv;
    if (!file) throw new Error('empty command');
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: this.env,
      detached: true, // own process group: killGroup reaches the command's children too
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout = new PassThrough();
    child.stdout.pipe(stdout);

    const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        stderr = (stderr + text).slice(-MAX_STDERR_BYTES);
      });

      let failure: Error | undefined;
      const stop = (why: CommandAbortedError['why']) => {
        failure ??= new CommandAbortedError(file, why);
        killGroup(child);
      };
      const timer =
        options.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
      const onAbort = () => stop('aborted');
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      stdout.on('error', (error) => {
        failure ??= error;
        killGroup(child);
      });

      child.on('error', (error) => {
        failure ??= error;
      });
      feedStdin(child, options.stdin, (error) => {
        failure ??= error;
        killGroup(child);
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (failure) reject(failure);
        else resolve({ code: code ?? signalExitCode(signal), stderr });
      });
    });
    // The caller may only consume stdout; an unobserved rejection must not crash the process.
    done.catch(() => undefined);
    return { stdout, done };
  }

  async close(): Promise<void> {}
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

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** 128 + signal number, as a shell reports a command killed by a signal. */
function signalExitCode(signal: NodeJS.Signals | null): number {
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}
