// One long-lived shell per SSH connection for polls and other short commands: an exec costs
// ~160 ms before the command runs (sshd starts a login shell, clusters load their modules);
// a command written to a shell that already runs costs a few milliseconds.
//
// Protocol (the shell is SHELL_LOOP below, started once through an exec):
// - The client first writes a random greeting line; the shell checks its tools and answers
//   `GREETING ready PID` (PID: the shell's own, for diagnostics and tests).
// - A request is `MARK SIZE\n`, then SIZE bytes: the command text and `\nMARK.end`. MARK is
//   random and new for every request (reply-frame.ts). The shell reads the text with `head -c`
//   and refuses a request cut short (the end mark missing: it exits rather than run part of a
//   command); it runs the command under `setsid` with stdin from /dev/null, so the command is
//   its own process group (announced on stderr like every exec's, process-group.ts) and cannot
//   read the requests.
// - The reply is the command's stdout and stderr as they come, then `MARK CODE` on stdout
//   and `MARK` on stderr. The mark is only ever in the channel's stdin and the shell's
//   unexported variable: no command (nor `ps`) sees it, so no output can forge the end.
// One command at a time (a FIFO queue): replies never interleave. A shell that dies (or whose
// connection dies) under a command fails that command with ShellChannelLostError and KILLs its
// group; the next command opens a fresh shell. Whether the lost command may run again is the
// caller's choice (transport.ts). An abort or a timeout stops the command's group as an exec's
// stop does; the shell lives on for the next command.
import { PassThrough } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { quoteCommand } from '../shell.ts';
import { CommandAbortedError, abortedCommand, type ExecOptions, type StreamingExec } from '../transport.ts';
import { HostUnreachableError } from './errors.ts';
import { MAX_STDERR_BYTES } from './limits.ts';
import type { SshConnectionPool } from './pool.ts';
import { AnnouncedGroup, announcingGroup, signalRemoteGroup } from './process-group.ts';
import { ReplyScanner, newReplyMark } from './reply-frame.ts';

const SHELL_LOOP = `IFS= read -r greeting || exit 0
for tool in setsid head; do
  command -v "$tool" >/dev/null 2>&1 || { printf '%s missing %s\\n' "$greeting" "$tool"; exit 0; }
done
nl='
'
printf '%s ready %s\\n' "$greeting" "$$"
while IFS=' ' read -r mark size; do
  request=$(head -c "$size"; printf x)
  request=\${request%x}
  case $request in
    *"$nl$mark.end") command=\${request%"$nl$mark.end"} ;;
    *) exit 1 ;;
  esac
  setsid sh -c "$command" </dev/null
  code=$?
  printf '%s\\n' "$mark" >&2
  printf '%s %s\\n' "$mark" "$code"
done`;

/** How long a shell may take to answer once its command was KILLed before it is given up as stuck. */
const ANSWER_AFTER_KILL_MS = 10_000;
/** How long the shell may take to start and answer its greeting before the command takes an exec. */
const OPEN_TIMEOUT_MS = 30_000;

/** The shell died (or its connection did) while a command ran on it. */
export class ShellChannelLostError extends HostUnreachableError {
  override name = 'HostUnreachableError';
}

/** No shell to run the command on (it could not start, or a tool it needs is missing); the command did not run. */
export class ShellUnavailableError extends Error {
  override name = 'ShellUnavailableError';
}

/** One open shell, and where its output goes now: the command in flight, or nowhere. */
interface Live {
  client: Client;
  channel: ClientChannel;
  /** The shell's PID on the host. */
  pid: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  onClose?: () => void;
  onExit?: () => void;
  closed: boolean;
}

type StopOptions = ExecOptions & { program: string; graceMs: number };

export class ShellChannel {
  /** Commands sent to a shell (for tests and the benchmark). */
  commandsRun = 0;
  /** Shells opened. */
  shellsOpened = 0;
  private live: Promise<Live> | undefined;
  /** The shell `live` resolved to, while it lives. */
  private current: Live | undefined;
  private unavailable: ShellUnavailableError | undefined;
  private busy = false;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly pool: SshConnectionPool) {}

  /** The PID of the open shell on the host, if one is open (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.current?.pid;
  }

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

  /** Runs `work` when every command queued before it has settled; an abort while queued leaves the queue. */
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
    const greeting = newReplyMark();
    const unavailable = (why: string) =>
      new ShellUnavailableError(`${this.pool.target}: no shell channel, ${why}`);
    return new Promise<Live>((resolve, reject) => {
      const holding = this.pool.withChannel(
        (client) =>
          new Promise<void>((released) => {
            client.exec(`exec ${quoteCommand(['sh', '-c', SHELL_LOOP])}`, (error, channel) => {
              if (error) {
                released();
                // Nothing ran: the command may take an exec of its own.
                return reject(unavailable(`cannot open it (${error.message})`));
              }
              this.shellsOpened += 1;
              const live: Live = { client, channel, pid: 0, closed: false };
              const starting = setTimeout(() => {
                reject(unavailable(`it did not start within ${OPEN_TIMEOUT_MS / 1000} s`));
                channel.close();
              }, OPEN_TIMEOUT_MS);
              let said = '';
              live.onStdout = (chunk) => {
                // Login-shell noise may come first; only the line after the greeting counts.
                said += chunk.toString('utf8');
                const answer = new RegExp(`${greeting} (ready (\\d+)|missing (\\S+))\n`).exec(said);
                if (!answer) return;
                clearTimeout(starting);
                live.onStdout = undefined;
                if (answer[3]) {
                  this.unavailable = unavailable(`${answer[3]} is missing on the host`);
                  return reject(this.unavailable);
                }
                live.pid = Number(answer[2]);
                this.current = live;
                resolve(live);
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
                clearTimeout(starting);
                live.closed = true;
                if (this.current === live) {
                  this.current = undefined;
                  this.live = undefined; // the next command opens a fresh shell
                }
                reject(unavailable('it closed while starting'));
                live.onClose?.();
                released();
              });
              channel.write(`${greeting}\n`);
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
    // Aborted while the shell opened: the command never starts.
    if (signal?.aborted) throw abortedCommand(this.pool.target, program, signal);
    const mark = newReplyMark();
    this.commandsRun += 1;
    return new Promise((resolve, reject) => {
      const out = new ReplyScanner(mark);
      const err = new ReplyScanner(mark);
      const group = new AnnouncedGroup();
      let stderr = '';
      let failure: Error | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      let closeTimer: NodeJS.Timeout | undefined;
      let stdoutOpen = true;
      stdout.on('close', () => (stdoutOpen = false));

      let onKilled = () => {};
      /** Settles once the KILL after the grace has been delivered. */
      const killed = new Promise<void>((resolve) => (onKilled = resolve));
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(graceTimer);
        clearTimeout(closeTimer);
        signal?.removeEventListener('abort', onAbort);
        live.onStdout = live.onStderr = live.onClose = live.onExit = undefined;
        outcome();
      };
      let answered = false;
      const settleIfDone = () => {
        if (out.trailer === undefined || err.trailer === undefined || answered) return;
        answered = true;
        stderr = (stderr + group.flush()).slice(-MAX_STDERR_BYTES);
        stdout.end();
        const code = Number(out.trailer);
        const settle = () => finish(() => (failure ? reject(failure) : resolve({ code, stderr })));
        const pgid = group.known;
        if (!failure || pgid === undefined) return settle();
        // A stopped command's leader has ended, but the rest of its group may run on (one that
        // ignores TERM): the next command must not start while it could write to the shell's
        // outputs, so a group still there is waited for until the KILL after the grace.
        void signalRemoteGroup(live.client, pgid, '0').then((alive) =>
          alive ? void killed.then(settle) : settle(),
        );
      };
      // As an exec's stop: TERM to the group, KILL after the grace. A shell that still has not
      // answered some time after the KILL was delivered (or after the grace, when the command
      // never announced its group) is closed: the command in flight fails, the next command
      // opens a fresh shell.
      const closeUnlessAnswered = () => {
        if (!settled) closeTimer = setTimeout(() => live.channel.close(), ANSWER_AFTER_KILL_MS);
      };
      const stop = (error: Error) => {
        failure ??= error;
        if (graceTimer) return;
        group.whenKnown((pgid) => void signalRemoteGroup(live.client, pgid, 'TERM'));
        graceTimer = setTimeout(() => {
          const pgid = group.known;
          if (pgid === undefined) return live.channel.close();
          void signalRemoteGroup(live.client, pgid, 'KILL').then(() => {
            closeUnlessAnswered();
            onKilled();
          });
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
      // The shell is gone, so nobody waits for the command any more: it must not run on.
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
      const text = `${announcingGroup(commandLine)}\n${mark}.end`;
      live.channel.write(`${mark} ${Buffer.byteLength(text)}\n${text}`);
    });
  }
}
