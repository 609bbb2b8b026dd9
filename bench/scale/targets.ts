// The hosts a scale series runs on, each registered on a running stack with the processes
// worth watching: the local host (2 slots, runners on this machine), or a SLURM cluster of
// its own (not the tests' shared one: 100,000 array tasks would hold its 2 CPUs for an
// hour) reached over a real sshd.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { updateHost } from '../../db/hosts.ts';
import { RUNNER_PATH } from '../../hosts/staging.ts';
import { startSlurm } from '../../test/support/slurm.ts';
import { sshHostFields, startSshd } from '../../test/support/sshd.ts';
import { tempDataDir, type InProcessStack } from '../../test/support/stack.ts';
import { waitFor } from '../../test/support/wait.ts';
import type { ProcessGroup } from './processes.ts';

export type TargetKind = 'local' | 'slurm';

export interface Target {
  hostName: string;
  /** What describes the host in the output (slots, MaxArraySize…). */
  details: Record<string, unknown>;
  processes: ProcessGroup[];
  stop(): Promise<void>;
}

const runnerScript = new RegExp(path.basename(RUNNER_PATH).replace('.', '\\.'));

function pidFile(file: string): number[] {
  try {
    return [Number(readFileSync(file, 'utf8').trim())].filter((pid) => pid > 0);
  } catch {
    return [];
  }
}

/** Resolves once the host's worker answers a connection test (the stack starts it within seconds). */
export async function waitForHostWorker(stack: InProcessStack, hostName: string): Promise<void> {
  await waitFor(
    async () => {
      const check = await stack.request<{ result?: { ok?: boolean } }>(
        'POST',
        `/api/v1/hosts/${hostName}/check`,
      );
      return check.status === 200 && check.body.result?.ok ? true : undefined;
    },
    { what: `the worker of host ${hostName} to answer`, timeoutMs: 120_000, intervalMs: 1_000 },
  );
}

export async function localTarget(stack: InProcessStack): Promise<Target> {
  const slots = 2;
  await updateHost(stack.stack.database.db, 'local', { slots });
  await waitForHostWorker(stack, 'local');
  return {
    hostName: 'local',
    details: { slots },
    processes: [{ name: 'host_runners', cmdline: runnerScript }],
    stop: async () => {},
  };
}

export async function slurmTarget(stack: InProcessStack, maxArraySize: number | undefined): Promise<Target> {
  const slurm = await startSlurm({ name: 'scale', ...(maxArraySize ? { maxArraySize } : {}) });
  const sshd = await startSshd({ env: slurm.env }).catch(async (error: unknown) => {
    await slurm.stop();
    throw error;
  });
  try {
    const workdir = path.join(await tempDataDir(), 'hosts');
    const host = await stack.request('POST', '/api/v1/hosts', {
      name: 'scale-cluster',
      kind: 'slurm',
      ...sshHostFields(sshd),
      workdir,
    });
    if (host.status !== 201) throw new Error(`POST /hosts: ${host.status} ${JSON.stringify(host.body)}`);
    await waitForHostWorker(stack, 'scale-cluster');
  } catch (error) {
    await sshd.stop();
    await slurm.stop();
    throw error;
  }
  const pids = (name: string) => pidFile(path.join(slurm.stateDir, 'pids', name));
  return {
    hostName: 'scale-cluster',
    details: { max_array_size: maxArraySize ?? 100_001, slurm_state_dir: slurm.stateDir },
    processes: [
      // The connections' sessions: the shared shell, polls, sbatch calls.
      { name: 'sshd', roots: () => pidFile(path.join(sshd.stateDir, 'pid')) },
      { name: 'slurmctld', pids: pids('slurmctld') },
      // slurmd with its job steps and the runs they start.
      { name: 'slurmd_and_jobs', roots: () => pids('slurmd') },
    ],
    async stop() {
      await sshd.stop();
      await slurm.stop();
    },
  };
}
