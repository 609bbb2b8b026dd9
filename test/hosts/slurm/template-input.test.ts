// End to end on the test SLURM over SSH: the template example (examples/binding/: 3 parameters,
// a linked pair, an exclusion) completes with each run's model.txt carrying exactly its
// tuple's values, and an `args` application's values reach the program through the job
// script as argv elements and TUPLET_P_* variables, never as shell text.
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runArgvProbe, runBindingExample, type RunsDirOf } from '../../support/input-probe.ts';
import { type InProcessStack } from '../../support/stack.ts';
import { startSlurmStack, type SlurmStack } from '../../support/slurm-stack.ts';

describe('input formats on a slurm host over SSH', { timeout: 300_000 }, () => {
  let cluster: SlurmStack;
  let stack: InProcessStack;
  const runsDirOf: RunsDirOf = (id) => path.join(cluster.workdir, id, 'runs');

  before(async () => {
    cluster = await startSlurmStack('slurm-input');
    stack = cluster.stack;
  });
  after(async () => {
    await cluster?.stop();
  });

  test('the template example completes, each run given the template with its own values', () =>
    runBindingExample(stack, 'cluster', runsDirOf));

  test('args and TUPLET_P_* reach the program through the job script, never as shell text', () =>
    runArgvProbe(stack, 'cluster', runsDirOf));
});
