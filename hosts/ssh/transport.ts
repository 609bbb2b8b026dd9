// A Transport over one pooled SSH connection: each command is one exec channel. The
// argument list is quoted for the remote POSIX shell (hosts/shell.ts), so arguments stay
// text; the host's login shell must be POSIX-compatible (sh, bash, dash, zsh, ksh).
import { PassThrough, Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import type { HostSpec } from '../executor.ts';
import { quoteArg, quoteCommand } from '../shell.ts';
import type { ExecOptions, ExecResult, StreamingExec, Transport } from '../transport.ts';
import { HostUnreachableError } from './errors.ts';
import { SshConnectionPool, type SshOptions } from './pool.ts';

const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

export class SshCommandAbortedError extends Error {
  override name = 'SshCommandAbortedError';
}

export class SshTransport implements Transport {
  readonly label: string;
  readonly pool: SshConnectionPool;

  constructor(host: HostSpec | SshConnectionPool, options: SshOptions = {}) {
    this.pool = host instanceof SshConnectionPool ? host : new SshConnectionPool(host, options);
    this.label = this.pool.target;
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const running = this.execStream(argv, options);
    const chunks: Buffer[] = [];
    let size = 0;
    running.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_STDOUT_BYTES)
        running.stdout.destroy(new SshCommandAbortedError(`${argv[0]}: output too large`));
      else chunks.push(chunk);
    });
    const { code, stderr } = await running.done;
    return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr };
  }

  execStream(argv: readonly string[], options: ExecOptions = {}): StreamingExec {
    const command = commandLine(argv, options.cwd);
    const stdout = new PassThrough();
    const done = this.pool.withChannel((client) => runOnChannel(client, command, stdout, options, this.pool));
    // Readers of stdout learn of a failure through `done`; an error event nobody listens
    // to would crash the process.
    done.catch((error: unknown) =>
      stdout.destroy(stdout.listenerCount('error') > 0 ? (error as Error) : undefined),
    );
    return { stdout, done };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** `cd DIR && exec CMD…` with every word quoted. */
export function commandLine(argv: readonly string[], cwd?: string): string {
  const command = quoteCommand(argv);
  return cwd === undefined ? command : `cd ${quoteArg(cwd)} && ${command}`;
}

function openChannel(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) =>
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel))),
  );
}

async function runOnChannel(
  client: Client,
  command: string,
  stdout: PassThrough,
  options: ExecOptions,
  pool: SshConnectionPool,
): Promise<{ code: number; stderr: string }> {
  let channel: ClientChannel;
  try {
    channel = await openChannel(client, command);
  } catch (error) {
    // The channel never opened, so the command did not run: safe to retry once on a new connection.
    pool.dropConnection();
    try {
      channel = await openChannel(await pool.connection(), command);
    } catch {
      throw new HostUnreachableError(
        pool.target,
        `${pool.target}: cannot open a channel (${(error as Error).message})`,
      );
    }
  }

  return new Promise((resolve, reject) => {
    let stderr = '';
    let failure: Error | undefined;
    let exitCode: number | undefined;
    let exitSignal: string | undefined;
    channel.stderr.setEncoding('utf8');
    channel.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_STDERR_BYTES);
    });
    channel.pipe(stdout);
    channel.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') exitCode = code;
      else exitSignal = signal ?? 'unknown';
    });

    const stop = (why: string) => {
      failure ??= new SshCommandAbortedError(`${pool.target}: ${why}`);
      try {
        channel.signal('KILL');
      } catch {
        // not every server supports signals; closing the channel ends the session anyway
      }
      channel.close();
    };
    const timer =
      options.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
    const onAbort = () => stop('aborted');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    stdout.on('error', (error) => {
      failure ??= error;
      channel.close();
    });

    channel.on('close', () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (exitCode !== undefined) resolve({ code: exitCode, stderr });
      else if (exitSignal !== undefined) resolve({ code: 128 + signalNumber(exitSignal), stderr });
      else
        reject(
          new HostUnreachableError(pool.target, `${pool.target}: connection lost while the command ran`),
        );
    });

    const input = options.stdin;
    if (input === undefined) channel.end();
    else if (input instanceof Readable) {
      input.on('error', (error) => {
        failure ??= error;
        channel.close();
      });
      input.pipe(channel);
    } else channel.end(input);
  });
}

function signalNumber(name: string): number {
  const numbers: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, SEGV: 11, PIPE: 13, TERM: 15 };
  return numbers[name.replace(/^SIG/, '')] ?? 0;
}
