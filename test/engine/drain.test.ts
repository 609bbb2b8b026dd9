// Draining a host mid-series (docs/multi-host.md, "Drained hosts"), end to end on real parts:
// a series over two local hosts, every run held at a gate until the test opens it. With a chunk
// running on each host, an admin drains one: its chunk in flight finishes there, every later
// chunk goes to the other host, and the series completes.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestStack, waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { waitFor } from '../support/wait.ts';

interface Run {
  index: number;
  state: string;
  host: string | null;
}

describe('a host drained mid-series', { timeout: 300_000 }, () => {
  let temporal: TestTemporal;
  let stack: InProcessStack;
  let scratch: string;

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-drain-'));
    temporal = await startTemporal();
    stack = await startTestStack({ temporalAddress: temporal.address });
    for (const name of ['kept', 'drained']) {
      const created = await stack.request('POST', '/api/v1/hosts', {
        name,
        kind: 'local',
        workdir: path.join(scratch, `work-${name}`),
        slots: 1,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    await stack.stack.workers!.refreshHosts();
    // Every run waits for the gate: no chunk ends, so none is placed, until the test opens it.
    const gate = JSON.stringify(path.join(scratch, 'gate'));
    const app = await stack.request('POST', '/api/v1/applications', {
      name: 'gated',
      command: `while [ ! -e ${gate} ]; do sleep 0.1; done`,
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });
  after(async () => {
    await stack?.stop();
    await temporal?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('the drained host finishes its chunk in flight and takes no other; the series completes', async () => {
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'gated',
      hosts: ['kept', 'drained'],
      ini: `[grid]\nx = 1...1...8\n`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id } = created.body;
    const runs = async () =>
      (await stack.request<{ runs: Run[] }>('GET', `/api/v1/series/${id}/runs?limit=100`)).body.runs;
    const runningOn = (all: Run[], host: string) =>
      all.filter((r) => r.host === host && r.state === 'running');
    let seen: Run[] = [];
    await waitFor(
      async () => {
        seen = await runs();
        return runningOn(seen, 'kept').length > 0 && runningOn(seen, 'drained').length > 0;
      },
      { what: 'a run running on each host', timeoutMs: 120_000, lastSeen: () => seen },
    );

    const drained = await stack.request('PATCH', '/api/v1/hosts/drained', { drained: true });
    assert.equal(drained.status, 200, JSON.stringify(drained.body));
    // Nothing ends while the gate is shut, so no chunk is placed between this look and the drain.
    const onDrainedBefore = (await runs()).filter((r) => r.host === 'drained').map((r) => r.index);
    assert.ok(onDrainedBefore.length > 0);
    await writeFile(path.join(scratch, 'gate'), '');

    const end = await waitForSeriesEnd(stack, id);
    assert.equal(end.state, 'completed', JSON.stringify(end));
    const final = await runs();
    assert.equal(final.length, 8);
    assert.deepEqual(
      final.filter((r) => r.host === 'drained').map((r) => r.index),
      onDrainedBefore,
      'only the runs placed before the drain ran on the drained host',
    );
    assert.equal(final.filter((r) => r.host === 'kept').length, 8 - onDrainedBefore.length);
    assert.ok(final.every((r) => r.state === 'succeeded'));
  });
});
