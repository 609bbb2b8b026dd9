// End to end on the `local` host: a 66-tuple sweep of the example application submitted over
// HTTP runs to `completed`, with configs, metrics, files and the archive; the series survives
// a restart of the stack; hostile parameter values stay text; cancel stops every process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { waitForSeries, type SeriesBody } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

interface Run {
  index: number;
  dir: string;
  params: Record<string, string>;
  state: string;
  exitCode: number | null;
  metrics: Record<string, unknown> | null;
}

const exampleSweep = path.resolve('examples/spiral/sweep.ini');

describe('a series on the local host', { timeout: 600_000 }, () => {
  const testbed = useTestStack();

  test('the 66-tuple example sweep completes with configs, metrics, files and an archive', async () => {
    const ini = await readFile(exampleSweep, 'utf8');
    const created = await testbed.stack.request<{ id: string; workflowId: string; count: number }>(
      'POST',
      '/api/v1/series',
      {
        application: 'spiral',
        host: 'local',
        ini,
        description: 'example sweep, end to end',
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.count, 66);
    assert.equal(created.body.workflowId, `series-${created.body.id}`);

    const series = await waitForSeries<SeriesBody>(
      testbed.stack,
      created.body.id,
      (s) => s.state === 'completed' || s.state.startsWith('completed_') || s.state === 'failed',
      300_000,
    );
    assert.equal(series.state, 'completed', JSON.stringify(series));
    assert.equal(series.counts.succeeded, 66);

    const { body } = await testbed.stack.request<{ runs: Run[] }>(
      'GET',
      `/api/v1/series/${created.body.id}/runs?limit=100`,
    );
    assert.equal(body.runs.length, 66);
    const workdir = path.join(testbed.stack.dataDir, 'work', created.body.id);
    for (const run of body.runs) {
      assert.equal(run.state, 'succeeded');
      assert.equal(run.exitCode, 0);
      assert.ok(run.metrics && Object.keys(run.metrics).length > 0, `run ${run.index} has metrics`);
      const config = await readFile(path.join(workdir, 'runs', run.dir, 'config.ini'), 'utf8');
      for (const [name, value] of Object.entries(run.params)) {
        const key = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
        assert.match(
          config,
          new RegExp(`^${key}\\s*=\\s*${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'),
        );
      }
    }

    const first = body.runs[0]!;
    const listing = await testbed.stack.request<{ files: Array<{ path: string; size: number }> }>(
      'GET',
      `/api/v1/series/${created.body.id}/runs/${first.index}/files`,
    );
    assert.equal(listing.status, 200);
    const png = listing.body.files.find((f) => f.path.endsWith('.png'));
    assert.ok(png, `an image among ${listing.body.files.map((f) => f.path).join(', ')}`);
    const image = await testbed.stack.fetch(
      `/api/v1/series/${created.body.id}/runs/${first.index}/files/${png.path}`,
    );
    assert.equal(image.status, 200);
    const bytes = Buffer.from(await image.arrayBuffer());
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');

    const archive = await testbed.stack.fetch(`/api/v1/series/${created.body.id}/archive`);
    assert.equal(archive.status, 200);
    const tgz = Buffer.from(await archive.arrayBuffer());
    assert.equal(tgz[0], 0x1f, 'gzip magic');
    assert.equal(tgz[1], 0x8b, 'gzip magic');
  });

  test('hostile parameter values reach the program as text and are never executed', async () => {
    const marker = path.join(testbed.stack.dataDir, `pwned-${Date.now()}`);
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'echo-config',
      command: 'cp config.ini seen.ini',
      description: 'copies its config',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const ini = `[attack]\nvalue = "$(touch ${marker})" "; touch ${marker} #" \`touch ${marker}\`\n`;
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'echo-config',
      host: 'local',
      ini,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const series = await waitForSeries<SeriesBody>(testbed.stack, created.body.id, (s) =>
      ['completed', 'completed_with_failures', 'failed'].includes(s.state),
    );
    assert.equal(series.state, 'completed');
    assert.equal(existsSync(marker), false, 'no parameter value was executed');
    const { body } = await testbed.stack.request<{ runs: Run[] }>(
      'GET',
      `/api/v1/series/${created.body.id}/runs`,
    );
    const seen = await Promise.all(
      body.runs.map((run) =>
        readFile(
          path.join(testbed.stack.dataDir, 'work', created.body.id, 'runs', run.dir, 'seen.ini'),
          'utf8',
        ),
      ),
    );
    assert.ok(seen.some((text) => text.includes(`$(touch ${marker})`)));
    assert.ok(seen.some((text) => text.includes(`; touch ${marker} #`)));
  });

  test('cancel ends a running series as cancelled, its runs stopped, and leaves no process behind', async () => {
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'sleeper',
      command: 'sleep 60',
      description: 'sleeps',
    });
    assert.ok([201, 409].includes(app.status), JSON.stringify(app.body));
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'sleeper',
      host: 'local',
      ini: 'n = 1...1...6\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    await waitForSeries<SeriesBody>(testbed.stack, id, (s) => (s.counts.running ?? 0) > 0);
    const cancel = await testbed.stack.request('POST', `/api/v1/series/${id}/cancel`, {});
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    const series = await waitForSeries<SeriesBody>(testbed.stack, id, (s) => s.state === 'cancelled', 30_000);
    // The runs sleep 60 s: none may have run to its end (the cancel stopped them, not waited them out).
    assert.equal(series.counts.succeeded ?? 0, 0, 'no run outlived the cancel');
    assert.equal(series.counts.running, 0);
    assert.equal(
      series.counts.cancelled,
      series.count - (series.counts.succeeded ?? 0) - (series.counts.failed ?? 0),
    );
    const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(id));
    assert.deepEqual(left, [], 'no process of the series is left');
  });

  test('the series and its runs survive a restart of the stack', async () => {
    const before = await testbed.stack.request<{ series: SeriesBody[] }>('GET', '/api/v1/series?limit=50');
    assert.equal(before.status, 200);
    assert.ok(before.body.series.length >= 3);
    await testbed.restartStack();
    const after = await testbed.stack.request<{ series: SeriesBody[] }>('GET', '/api/v1/series?limit=50');
    assert.deepEqual(
      after.body.series.map((s) => [s.id, s.state, s.count]),
      before.body.series.map((s) => [s.id, s.state, s.count]),
    );
  });
});
