// End to end on the `local` host: the template example (examples/binding/, registered at
// start like `spiral`) sweeps 3 parameters with a linked pair and an exclusion to
// `completed`, each run's model.txt carrying exactly its tuple's values; an `args` application
// gets each value as one argv element and a TUPLET_P_* variable, never as shell text.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runArgvProbe, runBindingExample, type RunsDirOf } from '../support/input-probe.ts';
import { startTestStack, type InProcessStack } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

describe('input formats on the local host', { timeout: 300_000 }, () => {
  let temporal: TestTemporal;
  let stack: InProcessStack;
  const runsDirOf: RunsDirOf = (id) => path.join(stack.dataDir, 'work', id, 'runs');

  before(async () => {
    temporal = await startTemporal();
    stack = await startTestStack({ temporalAddress: temporal.address });
  });
  after(async () => {
    await stack?.stop();
    await temporal?.stop();
  });

  test('the template example is registered at start with its template input', async () => {
    const { status, body } = await stack.request<{
      configFile: string;
      input: { format: string; template: string; templateText: string };
    }>('GET', '/api/v1/applications/binding');
    assert.equal(status, 200);
    assert.equal(body.configFile, 'model.txt');
    assert.equal(body.input.format, 'template');
    assert.equal(body.input.template, 'model.tpl');
    assert.equal(body.input.templateText, await readFile(path.resolve('examples/binding/model.tpl'), 'utf8'));
  });

  test('the template example completes, each run given the template with its own values', () =>
    runBindingExample(stack, 'local', runsDirOf));

  test('args and TUPLET_P_* reach the program as separate elements, never as shell text', () =>
    runArgvProbe(stack, 'local', runsDirOf));
});
