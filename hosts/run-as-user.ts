// Every command of a local host with a `runUser` runs as that OS account: staging, the
// runner and its runs, scans, collect, cancel and cleanup. The run directories are the
// account's own, and a run cannot write where the server can (the data directory with the
// database, storage and packages). Results still reach the server: they come back on the
// commands' standard output.
//
// As root the switch is `setpriv` (util-linux: no PAM, no extra process, the account's fresh
// login environment); otherwise `sudo -n` with a sudoers rule such as
//   tuplet ALL=(tuplet-run) NOPASSWD: ALL
// (the server's account may run anything as the run account, and nothing as anyone else).
import { execFileSync } from 'node:child_process';
import { HostInputError } from './errors.ts';
import { NOT_FIRST_SHELL } from './runner/environment.ts';
import type { ExecOptions, ExecResult, StreamingExec, Transport } from './transport.ts';

/** A login name as `useradd` accepts it by default. */
export const RUN_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export class RunAsUserTransport implements Transport {
  readonly label: string;
  private prefix: string[] | undefined;

  constructor(
    private readonly inner: Transport,
    readonly runUser: string,
    /** Whether this process is root (setpriv) or not (sudo); asked of the OS by default. */
    private readonly asRoot: boolean = process.getuid?.() === 0,
  ) {
    if (!RUN_USER.test(runUser))
      throw new HostInputError(`run user ${JSON.stringify(runUser)} is not a login name`);
    this.label = `${inner.label} as ${runUser}`;
  }

  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    let switched: string[];
    try {
      switched = this.switchUser(argv);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.inner.exec(switched, options);
  }

  execStream(argv: readonly string[], options?: ExecOptions): StreamingExec {
    return this.inner.execStream(this.switchUser(argv), options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** `argv` as the run user runs it. */
  switchUser(argv: readonly string[]): string[] {
    this.prefix ??= this.asRoot
      ? [
          'setpriv',
          `--reuid=${this.runUser}`,
          `--regid=${primaryGroup(this.runUser)}`,
          '--init-groups',
          '--reset-env',
          '--',
          'env',
          NOT_FIRST_SHELL,
        ]
      : ['sudo', '-n', '-H', '-u', this.runUser, '--', 'env', NOT_FIRST_SHELL];
    return [...this.prefix, ...argv];
  }
}

/** The account's primary group id (setpriv needs it); a missing account is named here. */
function primaryGroup(runUser: string): string {
  try {
    return execFileSync('id', ['-g', '--', runUser], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new HostInputError(`run user ${runUser} does not exist on this machine (id -g failed)`);
  }
}
