// Every command a host receives, counted where it leaves for the host: the bench puts a
// counting layer around each host's real transport (the local spawn, the SSH connection and its
// shared shell), through `executorFactories`, the hook hosts/index.ts offers for wiring
// executors. Nothing in hosts/ changes: the executors, the poll batcher and the transports are
// the ones the stack runs everywhere else. A status command is recognised by its `$0`: the
// runner hosts' scan (`tuplet-scan-many`) and the SLURM poll (`tuplet-poll`).
import { executorFactories } from '../../hosts/index.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { RunnerExecutor } from '../../hosts/runner-executor.ts';
import { SlurmExecutor } from '../../hosts/slurm/executor.ts';
import { slurmTransport } from '../../hosts/slurm/index.ts';
import { SshTransport, type SshOptions } from '../../hosts/ssh/index.ts';
import type { HostSpec } from '../../hosts/executor.ts';
import type { ExecOptions, ExecResult, StreamingExec, Transport } from '../../hosts/transport.ts';

const STATUS_NAMES = new Set(['tuplet-scan-many', 'tuplet-poll']);

export interface HostCommand {
  host: string;
  /** `$0` of a `bash -c` script, else the program's name. */
  name: string;
  status: boolean;
  /** Series directories the command names (a status command: the series it answers for). */
  series: number;
  /** Epoch ms: handed to the transport, and settled. */
  startedAt: number;
  endedAt?: number;
}

/** What a command is: `[env K=V…] bash -c SCRIPT NAME …` is named by NAME. */
function nameOf(argv: readonly string[]): string {
  let i = 0;
  if (argv[0] === 'env') while (i + 1 < argv.length && /^[A-Za-z_]\w*=/.test(argv[i + 1]!)) i++;
  const rest = argv[0] === 'env' ? argv.slice(i + 1) : argv;
  if (rest[0] === 'bash' && rest[1] === '-c' && rest[3] !== undefined) return rest[3];
  return rest[0]?.split('/').pop() ?? '';
}

export class CommandLog {
  readonly commands: HostCommand[] = [];

  private note(host: HostSpec, argv: readonly string[]): HostCommand {
    const name = nameOf(argv);
    // `<workdir>/<series id>`; the host's `<workdir>/.tuplet-pool` is not a series.
    const seriesDir = new RegExp(`^${host.workdir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^/.][^/]*$`);
    const command: HostCommand = {
      host: host.name,
      name,
      status: STATUS_NAMES.has(name),
      series: new Set(argv.filter((a) => seriesDir.test(a))).size,
      startedAt: Date.now(),
    };
    this.commands.push(command);
    return command;
  }

  /** `transport` with every command it runs written down. */
  counted(host: HostSpec, transport: Transport): Transport {
    const ended = (command: HostCommand) => () => {
      command.endedAt = Date.now();
    };
    return {
      label: transport.label,
      exec: (argv: readonly string[], options?: ExecOptions): Promise<ExecResult> => {
        const command = this.note(host, argv);
        const running = transport.exec(argv, options);
        running.then(ended(command), ended(command));
        return running;
      },
      execStream: (argv: readonly string[], options?: ExecOptions): StreamingExec => {
        const command = this.note(host, argv);
        const running = transport.execStream(argv, options);
        running.done.then(ended(command), ended(command));
        return running;
      },
      close: () => transport.close(),
    };
  }
}

/**
 * Makes every executor created from now on (the stack's host workers create theirs on first
 * use) run its commands through `log`. The same executors and transports as hosts/index.ts.
 */
export function countHostCommands(log: CommandLog): void {
  const sshOf = (options: { ssh?: SshOptions; logger?: SshOptions['logger'] }): SshOptions => ({
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.ssh,
  });
  executorFactories.local = (host, options) =>
    new RunnerExecutor(host, log.counted(host, new LocalTransport()), options);
  executorFactories.ssh = (host, options) =>
    new RunnerExecutor(host, log.counted(host, new SshTransport(host, sshOf(options))), options);
  executorFactories.slurm = (host, options) =>
    new SlurmExecutor(host, log.counted(host, slurmTransport(host, sshOf(options))), {
      ...options,
      ...options.slurm,
    });
}
