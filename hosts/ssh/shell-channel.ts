// One long-lived shell per SSH connection for polls and other short commands: an exec costs
// ~160 ms before the command runs (sshd starts a login shell, clusters load their modules);
// a command written to a shell that already runs costs a few milliseconds.
//
// Protocol (the shell is LOOP below, started once through an exec):
// - The client first writes a random token line; the shell answers `TOKEN ready`. The token
//   is only ever in the channel's stdin and the shell's unexported variable, so no command
//   (nor `ps`) sees it and no command can forge a reply (reply-frame.ts).
// - A request is `ID\n` then the command text then `\nID.end` on its own; the shell reads it with
//   `head`, refuses a request cut short (the end mark missing: the shell exits rather than
//   run part of a command) and runs the command under `setsid` with stdin from /dev/null, so
//   it is its own process group (announced on stderr like every exec's, process-group.ts)
//   and cannot read the requests.
// - The reply is the command's stdout and stderr as they come, then `TOKEN ID CODE` on
//   stdout and `TOKEN ID` on stderr.
// One command at a time (a FIFO queue): replies can never interleave. A channel that dies
// mid-command fails that command with ShellChannelLostError, and the next command opens a
// fresh shell; whether the lost command may be run again is the caller's choice (transport.ts).
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { quoteCommand } from '../shell.ts';
import { CommandAbortedError, abortedCommand, type ExecOptions, type StreamingExec } from '../transport.ts';
import { HostUnreachableError } from './errors.ts';
import { MAX_STDERR_BYTES } from './limits.ts';
import type { SshConnectionPool } from './pool.ts';
import { AnnouncedGroup, announcingGroup, signalRemoteGroup } from './process-group.ts';
import { ReplyScanner } from './reply-frame.ts';

const SHELL_LOOP = `IFS= read -r token || exit 0
for tool in setsid head; do
  command -v "$tool" >/dev/null 2>&1 || { printf '%s missing %s\\n' "$token" "$tool"; exit 0; }
done
nl='
'
printf '%s ready\\n' "$token"
while IFS=' ' read -r id size; do
  request=$(head -c "$size"; printf x)
  request=\${request%x}
  case $request in
    *"$nl$id.end") command=\${request%"$nl$id.end"} ;;
    *) exit 1 ;;
  esac
  setsid sh -c "$command" </dev/null
  code=$?
  printf '%s %s\\n' "$token" "$id" >&2
  printf '%s %s %s\\n' "$token" "$id" "$code"
done`;

/** The shell died (or its connection did) while a command ran on it. */
export class ShellChannelLostError extends HostUnreachableError {
  override name = 'HostUnreachableError';
}

/** No shell to run the command on (it could not start, or a tool it needs is missing); the command did not run. */
export class ShellUnavailableError extends Error {
  override name = 'ShellUnavailableError';
}

interface Live {
  client: Client;
  channel: ClientChannel;
  token: string;
  /** Where the channel's output goes now: the command in flight, or nowhere. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  onClose?: () => void;
  onExit?: () => void;
  closed: boolean;
}

type StopOptions = ExecOptions & { program: string; graceMs: number };

export class ShellChannel {
  /** Commands run on a shell (for tests and the benchmark). */
  commandsRun = 0;
  /** Shells opened. */
  shellsOpened = 0;
  private live: Promise<Live> | undefined;
  /** The shell `live` resolved to, while it lives. */
  private current: Live | undefined;
  private unavailable: ShellUnavailableError | undefined;
  private busy = false;
  private readonly queue: Array<() => void> = [];
  private nextId = 0;

  constructor(private readonly pool: SshConnectionPool) {}

  /** Runs `commandLine` (POSIX shell text) on the shell, after the commands queued before it. */
  run(commandLine: string, options: StopOptions): StreamingExec {
    const stdout = new PassThrough();
    const done = this.inTurn(options, () => this.runNow(commandLine, stdout, options));
    done.catch((error: unknown) =>
      stdout.destroy(stdout.listenerCount('error') > 0 ? (error as Error) : undefined),
    );
    return { stdout, done };
  }

  close(): void {
    void this.live?.then((live) => live.channel.close()).catch(() => undefined);
    this.live = undefined;
  }

  private async inTurn<T>(options: StopOptions, work: () => Promise<T>): Promise<T> {
    if (this.busy) {
      await new Promise<void>((resolve, reject) => {
        const signal = options.signal;
        const onAbort = () => {
          const at = this.queue.indexOf(go);
          if (at >= 0) this.queue.splice(at, 1);
          reject(abortedCommand(this.pool.target, options.program, signal!));
        };
        const go = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.queue.push(go);
      });
    } else this.busy = true;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // the turn passes straight on
      else this.busy = false;
    }
  }

  private shell(): Promise<Live> {
    if (this.unavailable) return Promise.reject(this.unavailable);
    this.live ??= this.open().catch((error: unknown) => {
      this.live = undefined;
      throw error;
    });
    return this.live;
  }

  /** Opens the shell on a channel of the pool, held for the shell's life. */
  private open(): Promise<Live> {
    const token = randomBytes(24).toString('hex');
    return new Promise<Live>((resolve, reject) => {
      const holding = this.pool.withChannel(
        (client) =>
          new Promise<void>((released) => {
            client.exec(`exec ${quoteCommand(['sh', '-c', SHELL_LOOP])}`, (error, channel) => {
              if (error) {
                released();
                // Nothing ran: the command may take an exec of its own.
                return reject(
                  new ShellUnavailableError(
                    `${this.pool.target}: cannot open the shell channel (${error.message})`,
                  ),
                );
              }
              this.shellsOpened += 1;
              const live: Live = { client, channel, token, closed: false };
              let greeting = '';
              live.onStdout = (chunk) => {
                greeting += chunk.toString('utf8');
                const ready = greeting.includes(`${token} ready\n`);
                const missing = new RegExp(`${token} missing (\\S+)`).exec(greeting);
                if (missing) {
                  this.unavailable = new ShellUnavailableError(
                    `${this.pool.target}: no shell channel, ${missing[1]} is missing on the host`,
                  );
                  reject(this.unavailable);
                } else if (ready) {
                  live.onStdout = undefined;
                  this.current = live;
                  resolve(live);
                }
              };
              channel.on('data', (chunk: Buffer) => live.onStdout?.(chunk));
              channel.stderr.on('data', (chunk: Buffer) => live.onStderr?.(chunk));
              // The shell itself ended (killed, or it refused a request cut short): a command it
              // started may still hold the channel's pipes open, so sshd would keep the channel
              // open until that ends. The shell is gone either way: stop its command, close.
              channel.on('exit', () => {
                live.onExit?.();
                channel.close();
              });
              channel.on('close', () => {
                live.closed = true;
                if (this.current === live) {
                  this.current = undefined;
                  this.live = undefined; // the next command opens a fresh shell
                }
                reject(
                  new ShellUnavailableError(`${this.pool.target}: the shell channel closed while starting`),
                );
                live.onClose?.();
                released();
              });
              channel.write(`${token}\n`);
            });
          }),
      );
      holding.catch(reject);
    });
  }

  private async runNow(
    commandLine: string,
    stdout: PassThrough,
    options: StopOptions,
  ): Promise<{ code: number; stderr: string }> {
    const { signal, program } = options;
    if (signal?.aborted) throw abortedCommand(this.pool.target, program, signal);
    const live = await this.shell();
    const id = ++this.nextId;
    this.commandsRun += 1;
    return new Promise((resolve, reject) => {
      const out = new ReplyScanner(live.token, id);
      const err = new ReplyScanner(live.token, id);
      const group = new AnnouncedGroup();
      let stderr = '';
      let failure: Error | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      let closeTimer: NodeJS.Timeout | undefined;
      let stdoutOpen = true;
      stdout.on('close', () => (stdoutOpen = false));

      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        clearTimeout(closeTimer);
        signal?.removeEventListener('abort', onAbort);
        live.onStdout = live.onStderr = live.onClose = live.onExit = undefined;
        outcome();
      };
      const settleIfDone = () => {
        if (out.trailer === undefined || err.trailer === undefined) return;
        stderr = (stderr + group.flush()).slice(-MAX_STDERR_BYTES);
        stdout.end();
        const code = Number(out.trailer);
        finish(() => (failure ? reject(failure) : resolve({ code, stderr })));
      };
      // As an exec's stop: TERM to the group, KILL after the grace; a shell that still has not
      // answered after a second grace is closed (the command in flight is failed).
      const stop = (error: Error) => {
        failure ??= error;
        if (graceTimer) return;
        group.whenKnown((pgid) => void signalRemoteGroup(live.client, pgid, 'TERM'));
        graceTimer = setTimeout(() => {
          group.whenKnown((pgid) => void signalRemoteGroup(live.client, pgid, 'KILL'));
          closeTimer = setTimeout(() => live.channel.close(), options.graceMs);
        }, options.graceMs);
      };
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => stop(new CommandAbortedError(program, 'timeout')), options.timeoutMs)
          : undefined;
      const onAbort = () => stop(abortedCommand(this.pool.target, program, signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      stdout.on('error', stop);

      live.onStdout = (chunk) => {
        const own = out.take(chunk);
        if (own.length > 0 && stdoutOpen) stdout.write(own);
        settleIfDone();
      };
      live.onStderr = (chunk) => {
        const own = err.take(chunk).toString('utf8');
        stderr = (stderr + group.take(own)).slice(-MAX_STDERR_BYTES);
        settleIfDone();
      };
      live.onExit = () => group.whenKnown((pgid) => void signalRemoteGroup(live.client, pgid, 'KILL'));
      live.onClose = () =>
        finish(() =>
          reject(
            failure ??
              new ShellChannelLostError(
                this.pool.target,
                `${this.pool.target}: the shell channel was lost while ${program} ran`,
              ),
          ),
        );
      if (live.closed) return live.onClose();
      live.channel.write(`${id} ${Buffer.byteLength(request(commandLine, id))}\n${request(commandLine, id)}`);
    });
  }
}

/** The request's text: the command announcing its group, then the end mark the shell checks. */
function request(commandLine: string, id: number): string {
  return `${announcingGroup(commandLine)}\n${id}.end`;
}
