// How much of a series a host takes at once and how often it is polled, by host kind.
import type { HostCapabilities } from '../activities/host/types.ts';
import type { Executor } from '../hosts/executor.ts';

/** Runner hosts (local, ssh): one detached runner per chunk enforces the host's slots, so one chunk at a time. */
const RUNNER: HostCapabilities = { chunkSize: 10_000, window: 1, pollMinMs: 250, pollMaxMs: 5_000 };
const SSH_RUNNER: HostCapabilities = { ...RUNNER, pollMinMs: 1_000, pollMaxMs: 15_000 };
/** SLURM: arrays as large as the cluster allows, a few in flight; the scheduler does the pacing. */
const SLURM: HostCapabilities = { chunkSize: 1_000, window: 4, pollMinMs: 1_000, pollMaxMs: 60_000 };

/** Executors that know their scheduler's limits (SLURM reads MaxArraySize) say so through this. */
interface KnowsChunkLimit {
  maxChunkSize(): Promise<number>;
}

function knowsChunkLimit(executor: Executor): executor is Executor & KnowsChunkLimit {
  return typeof (executor as Partial<KnowsChunkLimit>).maxChunkSize === 'function';
}

export async function hostCapabilities(executor: Executor): Promise<HostCapabilities> {
  switch (executor.host.kind) {
    case 'local':
      return RUNNER;
    case 'ssh':
      return SSH_RUNNER;
    case 'slurm': {
      const limit = knowsChunkLimit(executor) ? await executor.maxChunkSize() : SLURM.chunkSize;
      return { ...SLURM, chunkSize: Math.max(1, limit) };
    }
  }
}
