// Executors by host kind. `local` and `ssh` hosts share the runner executor over their
// transport; other kinds (slurm) add their factory to `executorFactories`
// (hosts/slurm/index.ts exports one; wire it here with one line).
import type { Logger } from '../log.ts';
import type { Executor, HostKind, HostSpec } from './executor.ts';
import { LocalTransport } from './local-transport.ts';
import { RunnerExecutor, type RunnerExecutorOptions } from './runner-executor.ts';
import { SshTransport, type SshOptions } from './ssh/index.ts';
import { createSlurmExecutor, type SlurmExecutorOptions } from './slurm/index.ts';

export interface ExecutorOptions extends RunnerExecutorOptions {
  ssh?: SshOptions;
  /** SLURM hosts only, e.g. `{ env: { SLURM_CONF } }` for a test cluster. */
  slurm?: SlurmExecutorOptions;
  /** The worker's logger: SSH connections (ssh hosts, SLURM login nodes) log through it. */
  logger?: Logger;
}

/** SSH options with the worker's logger, unless the caller gave the SSH layer its own. */
const sshOptionsOf = (options: ExecutorOptions): SshOptions => ({
  ...(options.logger ? { logger: options.logger } : {}),
  ...options.ssh,
});

export type ExecutorFactory = (host: HostSpec, options: ExecutorOptions) => Executor;

export const executorFactories: Partial<Record<HostKind, ExecutorFactory>> = {
  local: (host, options) => new RunnerExecutor(host, new LocalTransport(), options),
  ssh: (host, options) => new RunnerExecutor(host, new SshTransport(host, sshOptionsOf(options)), options),
  slurm: (host, options) =>
    createSlurmExecutor(host, { ...options, ...options.slurm, ssh: sshOptionsOf(options) }),
};

export class UnsupportedHostKindError extends Error {
  override name = 'UnsupportedHostKindError';
}

export function createExecutor(host: HostSpec, options: ExecutorOptions = {}): Executor {
  const factory = executorFactories[host.kind];
  if (!factory)
    throw new UnsupportedHostKindError(`no executor for hosts of kind ${host.kind} (host ${host.name})`);
  return factory(host, options);
}

export type { Executor, HostSpec } from './executor.ts';
export { LocalTransport } from './local-transport.ts';
export {
  RunnerExecutor,
  runnerJobId,
  ChunkCancelledError,
  SeriesDirMissingError,
} from './runner-executor.ts';
export { SshTransport, SshConnectionPool, sshConnectionsOpened } from './ssh/index.ts';
