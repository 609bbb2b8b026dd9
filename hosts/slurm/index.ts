// SLURM hosts: the executor and its factory for hosts/index.ts. A host with an address is
// reached over SSH (a login node); without one, the worker runs on a machine that can
// submit itself (a head node) and uses the local transport.
import type { HostSpec } from '../executor.ts';
import { LocalTransport } from '../local-transport.ts';
import { SshTransport, type SshOptions } from '../ssh/index.ts';
import type { Transport } from '../transport.ts';
import { SlurmExecutor, type SlurmExecutorOptions } from './executor.ts';

export { SlurmExecutor, type SlurmExecutorOptions } from './executor.ts';
export { maxChunkSize, parseSlurmConfig, type SlurmLimits } from './scontrol.ts';
export { SlurmSubmitError, SlurmUnavailableError } from './sbatch.ts';
export { parseSinfo, type SlurmClusterInfo } from './sinfo.ts';

export function slurmTransport(host: HostSpec, ssh?: SshOptions): Transport {
  return host.address ? new SshTransport(host, ssh) : new LocalTransport();
}

export function createSlurmExecutor(
  host: HostSpec,
  options: SlurmExecutorOptions & { ssh?: SshOptions } = {},
): SlurmExecutor {
  return new SlurmExecutor(host, slurmTransport(host, options.ssh), options);
}
