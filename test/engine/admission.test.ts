// Admission by load on a local host (docs/quotas.md), measured for real: a threshold of load
// per core set below what /proc/loadavg can ever say (0: a load is never below it) holds every
// run of a series, which waits with the reason in the API; once the admin raises it and the
// next series on the host brings the new thresholds, the waiting runs start and complete. And
// with a real load: processes spinning push /proc/loadavg up, and a threshold set below the
// load they caused holds the series; nothing starts while they spin, and runs start once the
// load falls after they stop.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { waitForSeries, type SeriesBody } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';
import { waitFor } from '../support/wait.ts';

type Series = SeriesBody & { waitReason: string | null };

/** The 1-minute load average, as the runner reads it. */
async function loadAverage(): Promise<number> {
  return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
}

/**
 * `count` processes that are always runnable, so each adds about 1 to the load average within a
 * minute. Niced to the lowest priority: the load counts them, yet the machine's other work
 * (other tests on its cores) loses next to no time to them.
 */
function burnCpu(count: number): { stop(): Promise<void> } {
  const spinners: ChildProcess[] = Array.from({ length: count }, () =>
    spawn('nice', ['-n', '19', 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' }),
  );
  return {
    async stop() {
      await Promise.all(
        spinners.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}

describe('admission by load', { timeout: 600_000 }, () => {
  const testbed = useTestStack();

  test('thresholds are refused naming the field when they cannot be', async () => {
    const negative = await testbed.stack.request<{ error: { issues: Array<{ path: string }> } }>(
      'POST',
      '/api/v1/hosts',
      {
        name: 'negative-load',
        kind: 'local',
        workdir: path.join(testbed.stack.dataDir, 'negative'),
        admission: { maxLoadPerCore: -1 },
      },
    );
    assert.equal(negative.status, 400, JSON.stringify(negative.body));
    assert.deepEqual(
      negative.body.error.issues.map((i) => i.path),
      ['admission.maxLoadPerCore'],
    );
    const unknown = await testbed.stack.request<{ error: { issues: Array<{ path: string }> } }>(
      'POST',
      '/api/v1/hosts',
      {
        name: 'unknown-threshold',
        kind: 'local',
        workdir: path.join(testbed.stack.dataDir, 'unknown'),
        admission: { maxLoad: 1 },
      },
    );
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(JSON.stringify(unknown.body), /admission/);
    const slurm = await testbed.stack.request<{ error: { field: string } }>('POST', '/api/v1/hosts', {
      name: 'slurm-admission',
      kind: 'slurm',
      workdir: path.join(testbed.stack.dataDir, 'slurm'),
      admission: { maxLoadPerCore: 1 },
    });
    assert.equal(slurm.status, 400, JSON.stringify(slurm.body));
    assert.equal(slurm.body.error.field, 'admission');
  });

  test("a quota of 4 concurrent runs is never exceeded on an 8-slot host (the runs' own start and end times)", async () => {
    const workdir = path.join(testbed.stack.dataDir, 'wide-work');
    const host = await testbed.stack.request('POST', '/api/v1/hosts', {
      name: 'wide',
      kind: 'local',
      workdir,
      slots: 8,
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    const quota = await testbed.stack.request('POST', '/api/v1/quotas', {
      scope: 'user',
      subject: 'admin',
      host: 'wide',
      maxRunning: 4,
    });
    assert.equal(quota.status, 201, JSON.stringify(quota.body));
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'timed-nap',
      command: 'date +%s.%N > t0; sleep 1; date +%s.%N > t1',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'timed-nap',
      host: 'wide',
      ini: '[p]\nx = 1...1...12\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const done = await waitForSeries<Series>(
      testbed.stack,
      created.body.id,
      (s) => ['completed', 'failed'].includes(s.state),
      180_000,
    );
    assert.equal(done.state, 'completed', JSON.stringify(done));
    const runsDir = path.join(workdir, created.body.id, 'runs');
    const spans = await Promise.all(
      (await readdir(runsDir)).map(async (dir) => ({
        start: Number(await readFile(path.join(runsDir, dir, 't0'), 'utf8')),
        end: Number(await readFile(path.join(runsDir, dir, 't1'), 'utf8')),
      })),
    );
    assert.equal(spans.length, 12);
    // The most runs alive at once: at each start, the runs that started before and end after.
    const most = Math.max(
      ...spans.map((a) => spans.filter((b) => b.start <= a.start && b.end > a.start).length),
    );
    assert.ok(most <= 4, `${most} runs at once under a quota of 4`);
  });

  test('a host held above its load threshold by a CPU burn starts nothing until the load falls', async () => {
    // The machine is shared, and its load moves with the other tests beside this one, so the
    // threshold is not guessed before the burn. Sixteen spinners start first; once the load has
    // risen half their weight above the lowest load seen since they started, the host is
    // registered with its threshold a quarter of their weight below the load of that moment.
    // The burn is still climbing then (towards its full weight), which keeps the load above
    // the threshold while the series waits; once it stops, the quarter is lost within a minute.
    // Either way the other work on the machine may move by 4 (a quarter) without a false result.
    const spinners = 16;
    const cores = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'touch-it',
      command: 'touch it',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const workdir = path.join(testbed.stack.dataDir, 'burning-work');

    const burn = burnCpu(spinners);
    let id: string;
    let perCore: number;
    try {
      let load = await loadAverage();
      let lowest = load;
      await waitFor(
        async () => {
          load = await loadAverage();
          lowest = Math.min(lowest, load);
          return load >= lowest + spinners / 2;
        },
        {
          what: `the load average to rise by ${spinners / 2} under ${spinners} spinners on ${cores} cores`,
          timeoutMs: 240_000,
          intervalMs: 1_000,
          lastSeen: () => `${load} (lowest ${lowest})`,
        },
      );
      perCore = Math.floor(((load - spinners / 4) * 100) / cores) / 100;
      const host = await testbed.stack.request('POST', '/api/v1/hosts', {
        name: 'burning',
        kind: 'local',
        workdir,
        slots: 2,
        admission: { maxLoadPerCore: perCore },
      });
      assert.equal(host.status, 201, JSON.stringify(host.body));
      const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
        application: 'touch-it',
        host: 'burning',
        ini: 'x = 1 2\n',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      id = created.body.id;
      const waiting = await waitForSeries<Series>(testbed.stack, id, (s) => s.waitReason !== null);
      assert.match(
        waiting.waitReason!,
        new RegExp(
          `^admission: the host's 1-minute load average [0-9.]+ on ${cores} cores is not below admission\\.maxLoadPerCore ${perCore.toFixed(2).replace('.', '\\.')} per core$`,
        ),
      );
      // While the burn goes on: nothing of the series has started.
      const runsDir = path.join(workdir, id, 'runs');
      for (const dir of await readdir(runsDir)) {
        assert.equal(existsSync(path.join(runsDir, dir, '.tuplet', 'started')), false, `run ${dir} started`);
      }
      assert.equal((await waitForSeries<Series>(testbed.stack, id, () => true)).counts.succeeded, 0);
    } finally {
      await burn.stop();
    }
    // The load falls back below the threshold within a minute or so: the runs start then.
    const done = await waitForSeries<Series>(
      testbed.stack,
      id,
      (s) => ['completed', 'failed'].includes(s.state),
      300_000,
    );
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.equal(done.waitReason, null);
  });

  test('a host above its load threshold starts nothing and the series says why, until the threshold allows', async () => {
    const workdir = path.join(testbed.stack.dataDir, 'busy-work');
    const host = await testbed.stack.request('POST', '/api/v1/hosts', {
      name: 'busy',
      kind: 'local',
      workdir,
      slots: 2,
      admission: { maxLoadPerCore: 0 },
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'touch-done',
      command: 'touch done',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));

    const held = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'touch-done',
      host: 'busy',
      ini: '[p]\nx = 1 2 3\n',
    });
    assert.equal(held.status, 201, JSON.stringify(held.body));
    const waiting = await waitForSeries<Series>(testbed.stack, held.body.id, (s) => s.waitReason !== null);
    assert.match(
      waiting.waitReason!,
      /load average [0-9.]+ on \d+ cores is not below admission\.maxLoadPerCore 0\.00/,
    );
    // Waiting for the load, not started: no run of the series has begun.
    const runsDir = path.join(workdir, held.body.id, 'runs');
    for (const dir of await readdir(runsDir)) {
      assert.equal(existsSync(path.join(runsDir, dir, '.tuplet', 'started')), false, `run ${dir} started`);
    }
    assert.equal(waiting.counts.succeeded, 0);

    const raised = await testbed.stack.request('PATCH', '/api/v1/hosts/busy', {
      admission: { maxLoadPerCore: 1000 },
    });
    assert.equal(raised.status, 200, JSON.stringify(raised.body));
    // The next series on the host carries the raised threshold to the host's pool.
    const next = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'touch-done',
      host: 'busy',
      ini: '[p]\nx = 4\n',
    });
    assert.equal(next.status, 201, JSON.stringify(next.body));
    for (const id of [held.body.id, next.body.id]) {
      const done = await waitForSeries<Series>(
        testbed.stack,
        id,
        (s) => ['completed', 'failed'].includes(s.state),
        120_000,
      );
      assert.equal(done.state, 'completed', JSON.stringify(done));
      assert.equal(done.waitReason, null);
    }
  });
});
