// One series over several hosts (docs/multi-host.md), end to end on real parts: two local hosts
// with workdirs of their own and an ssh host on a real sshd, each served by its own host worker
// (started here, so one can be stopped). The series completes with runs on every host, each
// run recording its host; a rerun and a cancel work across the hosts; with one host's worker
// stopped mid-series, its chunk moves on and the runs already recorded do not run again.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NativeConnection } from '@temporalio/worker';
import type { RunningHostWorker } from '../../workers/host.ts';
import { startTestHostWorker } from '../support/host-worker.ts';
import { sshHostFields, startSshd, type TestSshd } from '../support/sshd.ts';
import { startTestStack, waitForSeries, waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { adminCookie } from '../support/admin-cookie.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { waitFor } from '../support/wait.ts';

interface Run {
  index: number;
  state: string;
  host: string | null;
}

interface Series {
  id: string;
  state: string;
  host: string;
  hosts: string[];
  counts: Record<'running' | 'succeeded' | 'failed', number>;
}

const HOSTS = ['near', 'far', 'remote'];

describe('a series over several hosts', { timeout: 600_000 }, () => {
  let temporal: TestTemporal;
  let sshd: TestSshd;
  let stack: InProcessStack;
  let connection: NativeConnection;
  let scratch: string;
  const workers = new Map<string, RunningHostWorker>();

  const startWorker = async (hostName: string) => {
    workers.set(hostName, await startTestHostWorker(connection, hostName, stack.dataDir));
  };

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-multi-host-'));
    [temporal, sshd] = await Promise.all([startTemporal(), startSshd()]);
    // A host counts as lost after 8 s without a worker (the default is 2 minutes).
    stack = await startTestStack({
      temporalAddress: temporal.address,
      hostWorkers: false,
      env: { TUPLET_HOST_LOST_AFTER_MS: '8000' },
    });
    for (const name of HOSTS) {
      const fields = name === 'remote' ? { kind: 'ssh', ...sshHostFields(sshd) } : { kind: 'local' as const };
      const created = await stack.request('POST', '/api/v1/hosts', {
        name,
        ...fields,
        workdir: path.join(scratch, `work-${name}`),
        slots: 2,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    connection = await NativeConnection.connect({ address: temporal.address });
    for (const name of HOSTS) await startWorker(name);
    // Each start appends its index to a log every host can write (all three are this machine).
    const app = await stack.request('POST', '/api/v1/applications', {
      name: 'where',
      command: `echo "$TUPLET_INDEX" >> "$(cat ${JSON.stringify(path.join(scratch, 'log-path'))})"; if [ -e ${JSON.stringify(path.join(scratch, 'fail'))} ] && [ $((TUPLET_INDEX % 4)) -eq 0 ]; then exit 3; fi; case "$PWD" in */work-far/*) sleep "$(cat ${JSON.stringify(path.join(scratch, 'far-pause'))})";; esac; sleep "$(cat ${JSON.stringify(path.join(scratch, 'pause'))})"; echo '{"i": '"$TUPLET_INDEX"'}' > metrics.json`,
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });
  after(async () => {
    for (const worker of workers.values()) await worker.shutdown();
    await connection?.close();
    await stack?.stop();
    await sshd?.stop();
    await temporal?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** A series of `n` runs over every host; each start logged to its own file. */
  const submit = async (label: string, n: number, pause: string, farPause = '0') => {
    const log = path.join(scratch, `${label}.log`);
    await writeFile(log, '');
    await writeFile(path.join(scratch, 'log-path'), log);
    await writeFile(path.join(scratch, 'pause'), pause);
    await writeFile(path.join(scratch, 'far-pause'), farPause);
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'where',
      hosts: HOSTS,
      ini: `[grid]\nx = 1...1...${n}\n`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { id: created.body.id, log };
  };
  const runsOf = async (id: string) => {
    const { body } = await stack.request<{ runs: Run[] }>('GET', `/api/v1/series/${id}/runs?limit=1000`);
    return body.runs;
  };
  const startsIn = async (log: string) =>
    (await readFile(log, 'utf8')).split('\n').filter(Boolean).map(Number);
  const perHost = (runs: Run[]) => {
    const counts = new Map<string | null, number>();
    for (const run of runs) counts.set(run.host, (counts.get(run.host) ?? 0) + 1);
    return counts;
  };

  test('completes with runs on every host, each recording its host; a rerun goes over the hosts too', async () => {
    await writeFile(path.join(scratch, 'fail'), '');
    const { id } = await submit('split', 8, '0.2');
    const first = await waitForSeriesEnd(stack, id);
    assert.equal(first.state, 'completed_with_failures', JSON.stringify(first));
    assert.equal(first.counts.failed, 2);
    const series = (await stack.request<Series>('GET', `/api/v1/series/${id}`)).body;
    assert.deepEqual(series.hosts, HOSTS);
    const runs = await runsOf(id);
    const split = perHost(runs);
    for (const name of HOSTS) assert.ok((split.get(name) ?? 0) > 0, `runs on ${name}: ${[...split]}`);
    assert.equal(split.get(null), undefined, 'every run records its host');

    await rm(path.join(scratch, 'fail'));
    const rerun = await stack.request('POST', `/api/v1/series/${id}/rerun`, { states: ['failed'] });
    assert.equal(rerun.status, 202, JSON.stringify(rerun.body));
    const second = await waitForSeriesEnd(stack, id);
    assert.equal(second.state, 'completed', JSON.stringify(second));
    assert.equal(second.counts.succeeded, 8);
    for (const run of await runsOf(id)) assert.ok(run.host && HOSTS.includes(run.host), JSON.stringify(run));

    // The series page shows the split, the run page the run's host.
    const cookie = await adminCookie(stack.url);
    const page = await (await fetch(`${stack.url}/series/${id}`, { headers: { cookie } })).text();
    const rerunSplit = perHost(await runsOf(id));
    for (const name of HOSTS) {
      const shown = new RegExp(
        `<li data-host="${name}">${name}: <strong>${rerunSplit.get(name) ?? 0}</strong>`,
      );
      assert.match(page, shown);
    }
    const remoteRun = (await runsOf(id)).find((r) => r.host === 'remote')!;
    const runPage = await (
      await fetch(`${stack.url}/series/${id}/runs/${remoteRun.index}`, { headers: { cookie } })
    ).text();
    assert.match(runPage, /<dd data-run-host="">remote<\/dd>/);

    const files = await stack.request<{ files: Array<{ path: string }> }>(
      'GET',
      `/api/v1/series/${id}/runs/${runs.find((r) => r.host === 'remote')!.index}/files`,
    );
    assert.ok(
      files.body.files.some((f) => f.path === 'metrics.json'),
      `the remote host's run was collected: ${JSON.stringify(files.body)}`,
    );
  });

  test('cancel stops the series on every host', async () => {
    const { id } = await submit('cancel', 6, '30');
    await waitForSeries<Series>(stack, id, (s) => s.counts.running >= 3);
    const cancelled = await stack.request('POST', `/api/v1/series/${id}/cancel`);
    assert.equal(cancelled.status, 202, JSON.stringify(cancelled.body));
    const series = await waitForSeriesEnd(stack, id);
    assert.equal(series.state, 'cancelled', JSON.stringify(series));
    for (const run of await runsOf(id)) assert.ok(['cancelled'].includes(run.state), JSON.stringify(run));
  });

  test("survives one host's worker stopped mid-series; runs already recorded do not run again", async () => {
    const { id, log } = await submit('lost', 9, '0.3', '20');
    await waitForSeries<Series>(stack, id, (s) => s.counts.succeeded >= 2);
    // Runs on `far` take 20 s (the command sleeps longer in its workdir): it is mid-chunk now.
    await waitFor(async () => (await runsOf(id)).some((r) => r.host === 'far' && r.state === 'running'), {
      what: 'a run running on far',
      timeoutMs: 120_000,
    });
    const before = new Map((await runsOf(id)).map((r) => [r.index, r]));
    await workers.get('far')!.shutdown();
    workers.delete('far');

    const series = await waitForSeriesEnd(stack, id);
    assert.equal(series.state, 'completed', JSON.stringify(series));
    assert.equal(series.counts.succeeded, 9);
    const starts = await startsIn(log);
    const recorded = [...before.values()].filter((r) => r.state === 'succeeded');
    for (const run of recorded) {
      assert.equal(
        starts.filter((i) => i === run.index).length,
        1,
        `run ${run.index} (${run.host}) started once`,
      );
    }
    const after = await runsOf(id);
    const moved = after.filter((r) => before.get(r.index)?.host === 'far' && r.host !== 'far');
    assert.ok(moved.length > 0, 'the lost host’s unfinished runs ran elsewhere');
    await startWorker('far');
  });
});
