// End to end on the `local` host: the template example (examples/binding/, registered at
// start like `spiral`) sweeps 3 parameters with a linked pair and an exclusion to
// `completed`, each run's model.txt carrying exactly its tuple's values; an `args` application
// gets each value as one argv element and a TUPLET_P_* variable, never as shell text.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runArgvProbe, runBindingExample, type RunsDirOf } from '../support/input-probe.ts';
import { useTestStack } from '../support/stack-per-file.ts';

describe('input formats on the local host', { timeout: 300_000 }, () => {
  const testbed = useTestStack();
  const runsDirOf: RunsDirOf = (id) => path.join(testbed.stack.dataDir, 'work', id, 'runs');

  test('the template example is registered at start with its template input', async () => {
    const { status, body } = await testbed.stack.request<{
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
    runBindingExample(testbed.stack, 'local', runsDirOf));

  test('args and TUPLET_P_* reach the program as separate elements, never as shell text', () =>
    runArgvProbe(testbed.stack, 'local', runsDirOf));
});
