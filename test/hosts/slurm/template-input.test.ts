// End to end on the test SLURM over SSH: the template example (examples/binding/: 3 parameters,
// a linked pair, an exclusion) completes with each run's model.txt carrying exactly its
// tuple's values, and an `args` application's values reach the program through the job
// script as argv elements and TUPLET_P_* variables, never as shell text.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runArgvProbe, runBindingExample, type RunsDirOf } from '../../support/input-probe.ts';
import { startSlurm, type TestSlurm } from '../../support/slurm.ts';
import { sshHostFields, startSshd, type TestSshd } from '../../support/sshd.ts';
import { startTestStack, type InProcessStack } from '../../support/stack.ts';
import { startTemporal, type TestTemporal } from '../../support/temporal.ts';
import { tempDir } from '../helpers.ts';

describe('input formats on a slurm host over SSH', { timeout: 300_000 }, () => {
  let slurm: TestSlurm;
  let sshd: TestSshd;
  let temporal: TestTemporal;
  let stack: InProcessStack;
  let work: { dir: string; remove: () => Promise<void> };
  const runsDirOf: RunsDirOf = (id) => path.join(work.dir, id, 'runs');

  before(async () => {
    [slurm, temporal, work] = await Promise.all([startSlurm(), startTemporal(), tempDir('slurm-input')]);
    sshd = await startSshd({ env: slurm.env });
    stack = await startTestStack({ temporalAddress: temporal.address });
    const host = await stack.request('POST', '/api/v1/hosts', {
      name: 'cluster',
      kind: 'slurm',
      ...sshHostFields(sshd),
      workdir: work.dir,
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
  });
  after(async () => {
    await stack?.stop();
    await sshd?.stop();
    await temporal?.stop();
    await slurm?.stop();
    await work?.remove();
  });

  test('the template example completes, each run given the template with its own values', () =>
    runBindingExample(stack, 'cluster', runsDirOf));

  test('args and TUPLET_P_* reach the program through the job script, never as shell text', () =>
    runArgvProbe(stack, 'cluster', runsDirOf));
});
