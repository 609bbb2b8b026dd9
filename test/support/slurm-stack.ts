// The test SLURM reached the way a real cluster is: over a real sshd, registered in a stack
// (its own Temporal) as the slurm host `cluster`, with a work directory of its own. What the
// end-to-end SLURM files share; each then registers its applications.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSlurm, type TestSlurm } from './slurm.ts';
import { sshHostFields, startSshd, type TestSshd } from './sshd.ts';
import { startTestStack, type InProcessStack } from './stack.ts';
import { startTemporal, type TestTemporal } from './temporal.ts';

export const CLUSTER = 'cluster';

export interface SlurmStack {
  stack: InProcessStack;
  slurm: TestSlurm;
  /** The host's workdir: series directories are `<workdir>/<series id>`. */
  workdir: string;
  /** Stops everything and removes the workdir (make read-only trees writable first). */
  stop(): Promise<void>;
}

export async function startSlurmStack(label: string): Promise<SlurmStack> {
  let slurm: TestSlurm | undefined;
  let temporal: TestTemporal | undefined;
  let sshd: TestSshd | undefined;
  let stack: InProcessStack | undefined;
  const workdir = await mkdtemp(path.join(os.tmpdir(), `tuplet-test-${label}-`));
  const stop = async () => {
    await stack?.stop();
    await sshd?.stop();
    await temporal?.stop();
    await slurm?.stop();
    await rm(workdir, { recursive: true, force: true });
  };
  try {
    [slurm, temporal] = await Promise.all([startSlurm(), startTemporal()]);
    sshd = await startSshd({ env: slurm.env });
    stack = await startTestStack({ temporalAddress: temporal.address });
    const host = await stack.request('POST', '/api/v1/hosts', {
      name: CLUSTER,
      kind: 'slurm',
      ...sshHostFields(sshd),
      workdir,
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    return { stack, slurm, workdir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
