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
  // What has started so far, for stop() to end whatever a failed start left running.
  const up: { slurm?: TestSlurm; temporal?: TestTemporal; sshd?: TestSshd; stack?: InProcessStack } = {};
  const workdir = await mkdtemp(path.join(os.tmpdir(), `tuplet-test-${label}-`));
  const stop = async () => {
    await up.stack?.stop();
    await up.sshd?.stop();
    await up.temporal?.stop();
    await up.slurm?.stop();
    await rm(workdir, { recursive: true, force: true });
  };
  try {
    // Two chains side by side: the cluster then its sshd, Temporal then the stack. Both settle
    // before a failure is thrown, so stop() finds everything either one started.
    const started = await Promise.allSettled([
      (async () => {
        up.slurm = await startSlurm();
        up.sshd = await startSshd({ env: up.slurm.env });
      })(),
      (async () => {
        up.temporal = await startTemporal();
        up.stack = await startTestStack({ temporalAddress: up.temporal.address });
      })(),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    const { stack, sshd, slurm } = up;
    if (!stack || !sshd || !slurm) throw new Error('the SLURM stack did not start');
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
