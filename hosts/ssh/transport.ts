// A Transport over one pooled SSH connection: each command is one exec channel. The
// argument list is quoted for the remote POSIX shell (hosts/shell.ts), so arguments stay
// text; the host's login shell must be POSIX-compatible (sh, bash, dash, zsh, ksh).
// Stopping a command (abort, timeout) signals its process group on the host, TERM then KILL
// after a grace (process-group.ts), then closes the channel.
// Short commands marked `shared` (polls, describes) run on the connection's one long-lived
// shell instead (shell-channel.ts), saving the exec's start; streams (stage, collect) and
// commands with stdin keep an exec of their own.
import { PassThrough, Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import type { HostSpec } from '../executor.ts';
import { quoteArg, quoteCommand } from '../shell.ts';
import {
  CommandAbortedError,
  abortedCommand,
  collectedExec,
  type ExecOptions,
  type ExecResult,
  type StreamingExec,
  type Transport,
} from '../transport.ts';
import { HostUnreachableError } from './errors.ts';
import { MAX_STDERR_BYTES } from './limits.ts';
import { AnnouncedGroup, announcingGroup, signalRemoteGroup } from './process-group.ts';
import { SshConnectionPool, type SshOptions } from './pool.ts';
import { ShellChannel, ShellChannelLostError, ShellUnavailableError } from './shell-channel.ts';

export class SshTransport implements Transport {
  readonly label: string;
  readonly pool: SshConnectionPool;
  /** The connection's long-lived shell for `shared` commands. */
  readonly shell: ShellChannel;

  constructor(host: HostSpec | SshConnectionPool, options: SshOptions = {}) {
    this.pool = host instanceof SshConnectionPool ? host : new SshConnectionPool(host, options);
    this.label = this.pool.target;
    this.shell = new ShellChannel(this.pool);
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const program = argv[0] ?? '';
    if (options.shared !== undefined && options.stdin === undefined) {
      const command = commandLine(argv, options.cwd);
      const stop = { program, graceMs: this.pool.stopGraceMs };
      try {
        return await collectedExec(this.shell.run(command, { ...options, ...stop }), program);
      } catch (error) {
        const lost = error instanceof ShellChannelLostError;
        // A shell that dies under a read-only command costs one more run, on an exec of its
        // own (what it wrote so far is dropped); anything else is never run twice: the loss is
        // reported as a lost connection, which the caller's retry (an idempotent submit) handles.
        if (lost && options.shared !== 'read-only') throw error;
        if (!lost && !(error instanceof ShellUnavailableError)) throw error;
      }
    }
    return collectedExec(this.execStream(argv, options), program);
  }

  execStream(argv: readonly string[], options: ExecOptions = {}): StreamingExec {
    const command = announcingGroup(commandLine(argv, options.cwd));
    const stdout = new PassThrough();
    const stop = { program: argv[0] ?? '', graceMs: this.pool.stopGraceMs };
    const done = this.pool.withChannel((client) =>
      runOnChannel(client, command, stdout, { ...options, ...stop }, this.pool),
    );
    // Readers of stdout learn of a failure through `done`; an error event nobody listens
    // to would crash the process.
    done.catch((error: unknown) =>
      stdout.destroy(stdout.listenerCount('error') > 0 ? (error as Error) : undefined),
    );
    return { stdout, done };
  }

  close(): Promise<void> {
    this.shell.close();
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
  options: ExecOptions & { program: string; graceMs: number },
  pool: SshConnectionPool,
): Promise<{ code: number; stderr: string }> {
  const signal = options.signal;
  // Aborted while waiting for a channel: the command never starts.
  if (signal?.aborted) throw abortedCommand(pool.target, options.program, signal);
  let channel: ClientChannel;
  // The connection the channel is on: signals to its process group go over it too.
  let connection = client;
  try {
    channel = await openChannel(client, command);
  } catch (error) {
    // The channel never opened, so the command did not run: safe to retry once on a new connection.
    pool.dropConnection();
    try {
      connection = await pool.connection();
      channel = await openChannel(connection, command);
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
    const group = new AnnouncedGroup();
    channel.stderr.on('data', (text: string) => {
      stderr = (stderr + group.take(text)).slice(-MAX_STDERR_BYTES);
    });
    channel.pipe(stdout);
    // A reader that stops reading (destroys stdout) must not hold the channel open: the rest
    // of the output is dropped, so the channel can end.
    stdout.on('close', () => {
      channel.unpipe(stdout);
      channel.resume();
    });
    channel.on('exit', (code: number | null, killedBy?: string) => {
      if (typeof code === 'number') exitCode = code;
      else exitSignal = killedBy ?? 'unknown';
    });

    let graceTimer: NodeJS.Timeout | undefined;
    // As the runner's cancel stops a run: TERM to the group, KILL after the grace, and then
    // the channel is closed whatever happened on the host.
    const stop = (error: Error) => {
      failure ??= error;
      if (graceTimer) return;
      group.whenKnown((pgid) => void signalRemoteGroup(connection, pgid, 'TERM'));
      graceTimer = setTimeout(() => {
        group.whenKnown((pgid) => void signalRemoteGroup(connection, pgid, 'KILL'));
        channel.close();
      }, options.graceMs);
    };
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => stop(new CommandAbortedError(options.program, 'timeout')), options.timeoutMs)
        : undefined;
    const onAbort = () => stop(abortedCommand(pool.target, options.program, signal!));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stdout.on('error', stop);

    channel.on('close', () => {
      stderr = (stderr + group.flush()).slice(-MAX_STDERR_BYTES);
      clearTimeout(timer);
      clearTimeout(graceTimer);
      signal?.removeEventListener('abort', onAbort);
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
      input.on('error', stop);
      input.pipe(channel);
    } else channel.end(input);
  });
}

function signalNumber(name: string): number {
  const numbers: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, SEGV: 11, PIPE: 13, TERM: 15 };
  return numbers[name.replace(/^SIG/, '')] ?? 0;
}
