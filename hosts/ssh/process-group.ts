// The process group of a command run over SSH, so that stopping the command stops all it
// started, as the runner's cancel stops a run's group. Closing a channel stops nothing on the
// host (without a terminal sshd sends no SIGHUP), and sshd honours a channel's signal request
// only in some configurations (the test sshd refuses it: "session signalling requires
// privilege separation"). So every command first announces its group on stderr — sshd starts
// each session's shell as a session and group leader, so the shell's `$$` is the group — and
// a stop signals that group from a second exec.
import type { Client } from 'ssh2';
import { quoteCommand } from '../shell.ts';

/** The announcement line; taken out of the command's stderr. */
const ANNOUNCEMENT = /(?:^|\n)tuplet-pgid (\d+)\n/;
/** Stderr held back while waiting for the announcement (only login-shell noise comes before it). */
const MAX_HELD = 64 * 1024;
/** How long a signalling exec may take before it is given up (the command's channel closes anyway). */
const SIGNAL_EXEC_TIMEOUT_MS = 30_000;

/** The command line, preceded by the announcement of its process group. */
export function announcingGroup(commandLine: string): string {
  return `printf 'tuplet-pgid %s\\n' "$$" >&2; ${commandLine}`;
}

/** Reads the announcement out of a command's stderr and remembers the group. */
export class AnnouncedGroup {
  private pgid: number | undefined;
  private held = '';
  private settled = false;
  private readonly waiting: Array<(pgid: number) => void> = [];

  /** Takes a piece of the command's stderr; returns what of it is the command's own. */
  take(text: string): string {
    if (this.settled) return text;
    this.held += text;
    const match = ANNOUNCEMENT.exec(this.held);
    if (!match) return this.held.length > MAX_HELD ? this.flush() : '';
    const lineStart = match.index + (match[0].startsWith('\n') ? 1 : 0);
    const own = this.held.slice(0, lineStart) + this.held.slice(match.index + match[0].length);
    this.held = '';
    this.settled = true;
    const pgid = Number(match[1]);
    // Group 1 is init's, and `kill -- -1` would mean every process of the user: never.
    if (Number.isSafeInteger(pgid) && pgid > 1) {
      this.pgid = pgid;
      for (const use of this.waiting.splice(0)) use(pgid);
    }
    return own;
  }

  /** Stderr still held back (the command ended without announcing: nothing to stop). */
  flush(): string {
    const rest = this.held;
    this.held = '';
    this.settled = true;
    this.waiting.length = 0;
    return rest;
  }

  /** The group, if it was announced. */
  get known(): number | undefined {
    return this.pgid;
  }

  /** Runs `use` with the group once it is known (at once when it is). */
  whenKnown(use: (pgid: number) => void): void {
    if (this.pgid !== undefined) use(this.pgid);
    else if (!this.settled) this.waiting.push(use);
  }
}

/**
 * Signals a remote process group from a channel of its own, outside the pool's channel queue:
 * a stop must not wait behind the commands it is there to stop (sshd's default of 10 sessions
 * leaves room above the pool's 8). Best effort: a group already gone, or a connection that is
 * lost, leaves nothing to do. Signal `0` only asks whether the group still has a process.
 * Resolves with whether `kill` succeeded (a process of the group was there to signal).
 */
export function signalRemoteGroup(
  client: Client,
  pgid: number,
  signal: 'TERM' | 'KILL' | '0',
): Promise<boolean> {
  return new Promise((resolve) => {
    const command = quoteCommand(['kill', `-${signal}`, '--', `-${pgid}`]);
    try {
      client.exec(command, (error, channel) => {
        if (error) return resolve(false);
        let delivered = false;
        const timer = setTimeout(() => channel.close(), SIGNAL_EXEC_TIMEOUT_MS);
        channel.on('exit', (code: number | null) => (delivered = code === 0));
        channel.on('close', () => {
          clearTimeout(timer);
          resolve(delivered);
        });
        channel.resume();
        channel.stderr.resume();
        channel.end();
      });
    } catch {
      resolve(false);
    }
  });
}
