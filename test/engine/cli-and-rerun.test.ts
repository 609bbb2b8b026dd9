// The CLI against a running stack (submit --wait, status, logs, rerun), a rerun of failed runs
// within the same series, and a cancel issued from Temporal itself (as the Temporal UI does).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { waitForSeries, type SeriesBody } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

const run = promisify(execFile);
const tuplet = path.resolve('bin/tuplet');

interface RunBody {
  index: number;
  state: string;
  exitCode: number | null;
  attempt: number;
}

describe('the CLI, reruns and cancelling from Temporal', { timeout: 300_000 }, () => {
  const testbed = useTestStack();
  const cli = (args: string[]) =>
    run(tuplet, args, {
      env: { ...process.env, TUPLET_URL: testbed.stack.url, TUPLET_TOKEN: testbed.stack.token },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  before(async () => {
    // Odd indices fail on their first attempt only: a marker in the series directory remembers.
    const flaky = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'flaky',
      command:
        'echo "running $TUPLET_INDEX"; if [ $((TUPLET_INDEX % 2)) -eq 1 ] && [ ! -e ../../seen-$TUPLET_INDEX ]; then ' +
        'touch ../../seen-$TUPLET_INDEX; echo "first attempt of $TUPLET_INDEX fails" >&2; exit 3; fi',
    });
    assert.equal(flaky.status, 201, JSON.stringify(flaky.body));
    const sleeper = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'nap',
      command: 'sleep 60',
    });
    assert.equal(sleeper.status, 201, JSON.stringify(sleeper.body));
  });

  test('submit --wait, logs and rerun: failed runs run again in the same series', async () => {
    const ini = path.join(testbed.stack.dataDir, 'flaky.ini');
    await writeFile(ini, '; six runs, three fail once\nk = 0...1...5\n');
    const submitted = await cli(['submit', ini, '--app', 'flaky', '--host', 'local', '--wait', '--json']);
    assert.equal(submitted.code, 1, `some runs failed, so exit 1: ${submitted.stderr}`);
    const series = JSON.parse(submitted.stdout) as SeriesBody;
    assert.equal(series.state, 'completed_with_failures');
    assert.equal(series.counts.failed, 3);
    assert.equal(series.counts.succeeded, 3);

    const logs = await cli(['logs', series.id]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /first attempt of 1 fails/);
    assert.match(logs.stdout, /exit 3/);

    const status = await cli(['status', series.id]);
    assert.match(status.stdout, /completed_with_failures, 6\/6 done, 3 succeeded, 3 failed/);

    const rerun = await cli(['rerun', series.id, '--wait']);
    assert.equal(rerun.code, 0, `${rerun.stdout}\n${rerun.stderr}`);
    const final = await waitForSeries<SeriesBody>(testbed.stack, series.id, (s) => s.state === 'completed');
    assert.equal(final.counts.succeeded, 6);
    const { body } = await testbed.stack.request<{ runs: RunBody[] }>(
      'GET',
      `/api/v1/series/${series.id}/runs`,
    );
    for (const r of body.runs) {
      assert.equal(r.exitCode, 0);
      if (r.attempt !== undefined)
        assert.equal(r.attempt, r.index % 2 === 1 ? 2 : 1, `attempt of run ${r.index}`);
    }
  });

  test('bad input to the CLI exits 2 with the line of the error', async () => {
    const ini = path.join(testbed.stack.dataDir, 'bad.ini');
    await writeFile(ini, '[a]\nx = 1 2\ny = 1...0...5\n');
    const result = await cli(['submit', ini, '--app', 'flaky', '--host', 'local']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /line 3/);
    const unknownHost = await cli([
      'submit',
      ini.replace('bad', 'flaky'),
      '--app',
      'flaky',
      '--host',
      'nowhere',
    ]);
    assert.equal(unknownHost.code, 2);
    assert.match(unknownHost.stderr, /nowhere/);
  });

  test('cancelling the workflow from Temporal cancels the series', async () => {
    const created = await testbed.stack.request<{ id: string; workflowId: string }>(
      'POST',
      '/api/v1/series',
      {
        application: 'nap',
        host: 'local',
        ini: 'n = 1 2 3 4\n',
      },
    );
    assert.equal(created.status, 201);
    await waitForSeries<SeriesBody>(testbed.stack, created.body.id, (s) => s.counts.running > 0);
    const connection = await Connection.connect({ address: testbed.temporal.address });
    try {
      const client = new Client({ connection, namespace: testbed.temporal.namespace });
      await client.workflow.getHandle(created.body.workflowId).cancel();
    } finally {
      await connection.close();
    }
    const series = await waitForSeries<SeriesBody>(
      testbed.stack,
      created.body.id,
      (s) => s.state === 'cancelled',
      30_000,
    );
    assert.equal(series.counts.running + series.counts.queued + series.counts.pending, 0);
  });
});
