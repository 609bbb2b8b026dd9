// The connection test of a host, run by the worker that serves it (where its SSH keys are):
// reach it (verifying the host key), look at cores, GPUs and the workdir, and for SLURM the
// partitions and free GPUs.
import type { Executor } from '../../hosts/executor.ts';
import { RunnerExecutor } from '../../hosts/runner-executor.ts';
import { SlurmExecutor } from '../../hosts/slurm/index.ts';
import type { HostCheck } from './types.ts';

// A constant script: no value of the host or of a user is part of it.
const PROBE =
  'nproc; echo @@gpus; nvidia-smi --query-gpu=index,name --format=csv,noheader 2>/dev/null || true';

export async function checkExecutor(executor: Executor): Promise<HostCheck> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    if (executor instanceof SlurmExecutor) {
      const info = await executor.check();
      return {
        ok: true,
        ms: elapsed(),
        partitions: info.partitions.map((p) => p.name),
        gpus: info.gpus,
        freeGpus: info.freeGpus,
        maxArraySize: info.limits.maxArraySize,
      };
    }
    if (executor instanceof RunnerExecutor) {
      const probe = await executor.transport.exec(['sh', '-c', PROBE], { timeoutMs: 20_000 });
      const [cores = '', gpuLines = ''] = probe.stdout.split('@@gpus');
      const workdir = await executor.transport.exec(['mkdir', '-p', '--', executor.host.workdir]);
      return {
        ok: workdir.code === 0,
        ms: elapsed(),
        cores: Number(cores.trim()) || undefined,
        gpus: gpuLines.trim() ? gpuLines.trim().split('\n').length : (executor.host.gpus ?? 0),
        ...(workdir.code === 0
          ? {}
          : { error: `workdir ${executor.host.workdir}: ${workdir.stderr.trim()}` }),
      };
    }
    return { ok: false, ms: elapsed(), error: `no check for hosts of kind ${executor.host.kind}` };
  } catch (error) {
    const e = error as Error;
    return { ok: false, ms: elapsed(), error: e.message, errorType: e.name };
  }
}
