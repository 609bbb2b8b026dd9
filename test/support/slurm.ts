// A real one-node SLURM cluster (two fake GPUs) for tests, shared across test files.
//   const slurm = await startSlurm();
//   after(() => slurm.stop());
//
// Only one slurmctld per port can run, and test files run two at a time: every distinct
// configuration is one cluster under /tmp/tuplet-test-slurm/<name>/ with its own ports,
// started by the first file that needs it and stopped by the last one that releases it
// (scripts/services/slurm.sh keeps one lease per test process, under a lock).
import path from 'node:path';
import { freePort, runServiceScript } from './services.ts';

export const SLURM_TEST_ROOT = '/tmp/tuplet-test-slurm';

export interface StartSlurmOptions {
  /** The cluster's MaxArraySize (tests of chunking set it low); default 100001. */
  maxArraySize?: number;
  /** A cluster of its own (e.g. for a test that restarts slurmctld); default: shared. */
  name?: string;
}

export interface TestSlurm {
  slurmConf: string;
  /** `{ SLURM_CONF }`: what a client command needs to reach this cluster. */
  env: Record<string, string>;
  stateDir: string;
  /** The jobcomp/filetxt record of finished jobs. */
  jobcompFile: string;
  /** Kills slurmctld and starts it again on its saved state; resolves when the node is usable. */
  restartController(): Promise<void>;
  /** Releases this process's lease; the cluster stops when no test process holds one. */
  stop(): Promise<void>;
}

const inProcess = new Map<string, { users: number; started: Promise<TestSlurm> }>();

export function startSlurm(options: StartSlurmOptions = {}): Promise<TestSlurm> {
  const name =
    options.name ?? (options.maxArraySize !== undefined ? `max-array-${options.maxArraySize}` : 'shared');
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`bad cluster name ${name}`);
  const entry = inProcess.get(name);
  if (entry) {
    entry.users++;
    return entry.started;
  }
  const started = launch(name, options);
  inProcess.set(name, { users: 1, started });
  started.catch(() => inProcess.delete(name));
  return started;
}

/**
 * `slurm.sh start` with ports that were free a moment ago: on a busy machine another process (an
 * outgoing connection's ephemeral port) may take one before the daemon binds it, and a CI run
 * failed so. The script leaves such a half-started cluster to be cleared by the next start:
 * tried again with new ports.
 */
async function startOrJoin(stateDir: string, lease: string, options: StartSlurmOptions): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    // Used only when the cluster starts fresh; a running cluster keeps its ports.
    const env: Record<string, string> = {
      TUPLET_SLURMCTLD_PORT: String(await freePort()),
      TUPLET_SLURMD_PORT: String(await freePort()),
    };
    if (options.maxArraySize !== undefined) env.TUPLET_SLURM_MAX_ARRAY_SIZE = String(options.maxArraySize);
    try {
      return await runServiceScript('slurm.sh', ['start', stateDir, '--lease', lease], env);
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes('Address already in use');
      if (!portTaken || attempt >= 3) throw error;
    }
  }
}

async function launch(name: string, options: StartSlurmOptions): Promise<TestSlurm> {
  const stateDir = path.join(SLURM_TEST_ROOT, name);
  const lease = String(process.pid);
  const out = await startOrJoin(stateDir, lease, options);
  const slurmConf = /^SLURM_CONF=(.*)$/m.exec(out)?.[1];
  if (!slurmConf) throw new Error(`slurm.sh start printed no SLURM_CONF: ${out}`);

  let stopping: Promise<void> | undefined;
  return {
    slurmConf,
    env: { SLURM_CONF: slurmConf },
    stateDir,
    jobcompFile: path.join(stateDir, 'log', 'jobcomp.txt'),
    async restartController() {
      await runServiceScript('slurm.sh', ['restart-controller', stateDir]);
    },
    stop() {
      const entry = inProcess.get(name);
      if (entry && --entry.users > 0) return Promise.resolve();
      inProcess.delete(name);
      stopping ??= runServiceScript('slurm.sh', ['stop', stateDir, '--lease', lease]).then(() => undefined);
      return stopping;
    },
  };
}
