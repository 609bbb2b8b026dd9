// One series over the three kinds of host (docs/multi-host.md, issue 14's done-when), end to end
// on real parts: a local host, an ssh host on a real sshd and a slurm host (the one-node test
// SLURM behind the same sshd), each served by a host worker started here so that one can be
// stopped. The series completes with runs on all three, each run recorded once with its host
// and its outputs collected; a cancel leaves nothing running on any of them; with the SLURM
// host's worker stopped mid-series, its unfinished runs run elsewhere, what it still ran of them
// is stopped when it is back, and the series completes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { NativeConnection } from '@temporalio/worker';
import type { RunningHostWorker } from '../../workers/host.ts';
import { adminCookie } from '../support/admin-cookie.ts';
import { startTestHostWorker } from '../support/host-worker.ts';
import { startSlurm, type TestSlurm } from '../support/slurm.ts';
import { sshHostFields, startSshd, type TestSshd } from '../support/sshd.ts';
import { startTestStack, waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { waitFor } from '../support/wait.ts';

interface Run {
  index: number;
  state: string;
  host: string | null;
  metrics: { i?: number } | null;
  outputsLeftOn: string | null;
}

interface Series {
  state: string;
  hosts: string[];
  counts: Record<'running' | 'succeeded' | 'failed' | 'cancelled', number>;
}

const HOSTS = ['here', 'remote', 'cluster'] as const;
type HostName = (typeof HOSTS)[number];
const KIND: Record<HostName, 'local' | 'ssh' | 'slurm'> = { here: 'local', remote: 'ssh', cluster: 'slurm' };

describe('a series over a local, an ssh and a slurm host', { timeout: 600_000 }, () => {
  let temporal: TestTemporal;
  let slurm: TestSlurm;
  let sshd: TestSshd;
  let stack: InProcessStack;
  let connection: NativeConnection;
  let scratch: string;
  const workers = new Map<string, RunningHostWorker>();
  const seriesIds: string[] = [];

  const squeue = async (id: string, states = 'PENDING,RUNNING,COMPLETING') => {
    const { stdout } = await promisify(execFile)(
      'squeue',
      ['-h', '-t', states, '--name', `tuplet-${id}`, '-o', '%i'],
      { env: { ...process.env, ...slurm.env } },
    );
    return stdout.split('\n').filter(Boolean);
  };
  const startWorker = async (hostName: string) => {
    workers.set(hostName, await startTestHostWorker(connection, hostName, stack.dataDir));
  };
  const file = (name: string) => JSON.stringify(path.join(scratch, name));

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-multi-host-slurm-'));
    const started = await Promise.allSettled([
      (async () => {
        slurm = await startSlurm();
        sshd = await startSshd({ env: slurm.env });
      })(),
      (async () => {
        temporal = await startTemporal();
        // A host counts as lost after 8 s without a worker (the default is 2 minutes).
        stack = await startTestStack({
          temporalAddress: temporal.address,
          hostWorkers: false,
          env: { TUPLET_HOST_LOST_AFTER_MS: '8000' },
        });
      })(),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    for (const name of HOSTS) {
      const kind = KIND[name];
      const created = await stack.request('POST', '/api/v1/hosts', {
        name,
        kind,
        ...(kind === 'local' ? {} : sshHostFields(sshd)),
        workdir: path.join(scratch, `work-${name}`),
        ...(kind === 'slurm' ? {} : { slots: 2 }),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    connection = await NativeConnection.connect({ address: temporal.address });
    await Promise.all(HOSTS.map(startWorker));
    // Every start appends its index to the log named in `log-path` (all hosts are this
    // machine); odd runs on the cluster sleep `cluster-pause` longer; outputs name the index.
    const where = await stack.request('POST', '/api/v1/applications', {
      name: 'where',
      command: [
        `echo "$TUPLET_INDEX" >> "$(cat ${file('log-path')})"`,
        `case "$PWD" in */work-cluster/*) if [ $((TUPLET_INDEX % 2)) -eq 1 ]; then sleep "$(cat ${file('cluster-pause')})"; fi;; esac`,
        `echo "run $TUPLET_INDEX" > out.txt`,
        `echo '{"i": '"$TUPLET_INDEX"'}' > metrics.json`,
      ].join('; '),
    });
    assert.equal(where.status, 201, JSON.stringify(where.body));
    // Records its process id (the shell becomes the sleep), so the test can see it stopped.
    const hold = await stack.request('POST', '/api/v1/applications', {
      name: 'hold',
      command: `echo $$ > ${file('pids')}/"$TUPLET_INDEX"; exec sleep 120`,
    });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
  });
  after(async () => {
    // Jobs a lost host left in the shared cluster go (its worker was stopped: nobody else will).
    if (slurm) {
      for (const id of seriesIds) {
        const jobs = await squeue(id).catch(() => []);
        if (jobs.length > 0)
          await promisify(execFile)('scancel', jobs, { env: { ...process.env, ...slurm.env } }).catch(
            () => undefined,
          );
      }
    }
    for (const worker of workers.values()) await worker.shutdown();
    await connection?.close();
    await stack?.stop();
    await sshd?.stop();
    await temporal?.stop();
    await slurm?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const submit = async (application: string, n: number) => {
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application,
      hosts: HOSTS,
      ini: `[grid]\nx = 1...1...${n}\n`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    seriesIds.push(created.body.id);
    return created.body.id;
  };
  const submitWhere = async (label: string, n: number, clusterPause: string) => {
    const log = path.join(scratch, `${label}.log`);
    await writeFile(log, '');
    await writeFile(path.join(scratch, 'log-path'), log);
    await writeFile(path.join(scratch, 'cluster-pause'), clusterPause);
    return { id: await submit('where', n), log };
  };
  const runsOf = async (id: string) => {
    const { body } = await stack.request<{ runs: Run[] }>('GET', `/api/v1/series/${id}/runs?limit=1000`);
    return body.runs;
  };
  /** Until a run of the series ended on the cluster and another runs there (its worker may stop then). */
  const untilClusterEndedOneAndRunsOne = async (id: string) => {
    const onCluster = (runs: Run[], state: string) =>
      runs.some((r) => r.host === 'cluster' && r.state === state);
    let seen: Run[] = [];
    await waitFor(
      async () => {
        seen = await runsOf(id);
        return onCluster(seen, 'succeeded') && onCluster(seen, 'running');
      },
      {
        what: 'a run ended and one running on the cluster',
        timeoutMs: 120_000,
        lastSeen: () => seen.map((r) => `${r.index}:${r.host}:${r.state}`),
      },
    );
  };
  const startsIn = async (log: string) =>
    (await readFile(log, 'utf8')).split('\n').filter(Boolean).map(Number);
  const hostsOf = (runs: Run[]) => new Set(runs.map((r) => r.host));
  /** Every run succeeded with its own outputs in storage (collected from wherever it ran). */
  const assertCollected = async (id: string, runs: Run[]) => {
    for (const run of runs) {
      assert.equal(run.state, 'succeeded', JSON.stringify(run));
      assert.equal(run.metrics?.i, run.index, `metrics of run ${run.index}: ${JSON.stringify(run)}`);
      const out = await stack.fetch(`/api/v1/series/${id}/runs/${run.index}/files/out.txt`);
      assert.equal(out.status, 200, `out.txt of run ${run.index} (${run.host}) collected`);
      assert.equal(await out.text(), `run ${run.index}\n`);
    }
  };

  test('completes with chunks on all three hosts, each run once, recorded with its host and outputs', async () => {
    const n = 12;
    const { id, log } = await submitWhere('split', n, '0');
    const done = await waitForSeriesEnd(stack, id);
    assert.equal(done.state, 'completed', JSON.stringify(done));
    const series = (await stack.request<Series>('GET', `/api/v1/series/${id}`)).body;
    assert.deepEqual(series.hosts, HOSTS);
    const runs = await runsOf(id);
    assert.equal(runs.length, n);
    assert.deepEqual(hostsOf(runs), new Set(HOSTS), 'runs on every host');
    await assertCollected(id, runs);
    assert.deepEqual(
      (await startsIn(log)).sort((a, b) => a - b),
      runs.map((r) => r.index).sort((a, b) => a - b),
      'every run started exactly once',
    );
  });

  test('cancel stops the series on all three hosts: nothing in squeue, no runner run left', async () => {
    const pids = path.join(scratch, 'pids');
    await mkdir(pids, { recursive: true });
    const id = await submit('hold', 9);
    await waitFor(
      async () => {
        const running = (await runsOf(id)).filter((r) => r.state === 'running');
        return hostsOf(running).size === HOSTS.length;
      },
      { what: 'runs running on every host', timeoutMs: 120_000 },
    );
    const cancelled = await stack.request('POST', `/api/v1/series/${id}/cancel`);
    assert.equal(cancelled.status, 202, JSON.stringify(cancelled.body));
    const series = await waitForSeriesEnd(stack, id);
    assert.equal(series.state, 'cancelled', JSON.stringify(series));
    for (const run of await runsOf(id)) assert.equal(run.state, 'cancelled', JSON.stringify(run));
    assert.deepEqual(await squeue(id), [], 'no job of the series left in the cluster');
    // Every run that started (on any host) has stopped.
    const started = await readdir(pids);
    assert.ok(started.length >= HOSTS.length, `runs started: ${started.join(',')}`);
    for (const index of started) {
      const pid = Number((await readFile(path.join(pids, index), 'utf8')).trim());
      await waitFor(() => !alive(pid), { what: `run ${index} (pid ${pid}) to stop`, timeoutMs: 30_000 });
    }
  });

  test("survives the slurm host's worker stopped mid-series: its unfinished runs run elsewhere; when it is back what it still ran stops and what it ran is collected", async () => {
    // 25 runs: chunks of 2 (about 4 per lane of the 6). Odd runs on the cluster sleep 300 s, so
    // each of its chunks has a run ended (recorded, not yet collected) and one running when its
    // worker stops, still running there when the series has run it elsewhere.
    const n = 25;
    const { id, log } = await submitWhere('lost', n, '300');
    await untilClusterEndedOneAndRunsOne(id);
    const before = new Map((await runsOf(id)).map((r) => [r.index, r]));
    await workers.get('cluster')!.shutdown();
    workers.delete('cluster');
    const unfinished = [...before.values()].filter((r) => r.host === 'cluster' && r.state !== 'succeeded');
    // Once the series has moved every unfinished run of the cluster on, its worker comes back.
    await waitFor(
      async () => {
        const now = new Map((await runsOf(id)).map((r) => [r.index, r]));
        // A run the worker's last poll saw end stays there: its chunk is lost all the same.
        return unfinished.every(
          (r) => now.get(r.index)?.host !== 'cluster' || now.get(r.index)?.state === 'succeeded',
        );
      },
      { what: "the cluster's unfinished runs to move on", timeoutMs: 120_000 },
    );
    await startWorker('cluster');

    const series = await waitForSeriesEnd(stack, id);
    assert.equal(series.state, 'completed', JSON.stringify(series));
    assert.equal(series.counts.succeeded, n);
    // The array tasks the lost chunks left running were stopped once the worker was back.
    assert.deepEqual(await squeue(id), [], 'no job of the series left in the cluster');
    const runs = await runsOf(id);
    // Also the runs that ended on the cluster before it was lost: collected once it was back.
    await assertCollected(id, runs);
    // Runs recorded on the cluster ran there once; the others it had ran elsewhere.
    const starts = await startsIn(log);
    const after = new Map(runs.map((r) => [r.index, r]));
    for (const run of runs.filter(
      (r) => r.host === 'cluster' || before.get(r.index)?.state === 'succeeded',
    )) {
      assert.equal(
        starts.filter((i) => i === run.index).length,
        1,
        `run ${run.index} (${run.host}) ran once`,
      );
    }
    const moved = unfinished.filter((r) => after.get(r.index)?.host !== 'cluster');
    assert.ok(moved.length > 0, `the cluster's unfinished runs ran elsewhere: ${JSON.stringify(unfinished)}`);
  });

  test('a slurm host still lost at the end keeps the outputs of the runs it ended there: those runs name it, on the API and on their page', async () => {
    const n = 25;
    const { id } = await submitWhere('gone', n, '300');
    await untilClusterEndedOneAndRunsOne(id);
    // Stopped for good: the series ends without it.
    await workers.get('cluster')!.shutdown();
    workers.delete('cluster');
    try {
      const series = await waitForSeriesEnd(stack, id);
      assert.equal(series.state, 'completed', JSON.stringify(series));
      assert.equal(series.counts.succeeded, n);
      const runs = await runsOf(id);
      // The runs of the lost chunks that ended on the cluster before it was lost: recorded, never
      // collected, each naming the host. The cluster's chunks that ended before were collected.
      const kept = runs.filter((r) => r.outputsLeftOn !== null);
      assert.ok(kept.length > 0, `runs whose outputs stayed: ${JSON.stringify(runs)}`);
      for (const run of kept) {
        assert.equal(run.outputsLeftOn, 'cluster', JSON.stringify(run));
        assert.equal(run.host, 'cluster', JSON.stringify(run));
        assert.equal(run.metrics, null, `run ${run.index}: no metrics read`);
        const out = await stack.fetch(`/api/v1/series/${id}/runs/${run.index}/files/out.txt`);
        assert.equal(out.status, 404, `run ${run.index}: out.txt stayed on the cluster`);
      }
      await assertCollected(
        id,
        runs.filter((r) => r.outputsLeftOn === null),
      );
      const cookie = await adminCookie(stack.url);
      const page = await (
        await fetch(`${stack.url}/series/${id}/runs/${kept[0]!.index}`, { headers: { cookie } })
      ).text();
      assert.match(page, /data-outputs-left-on="cluster"/);
      assert.match(page, /outputs stay on host <strong>cluster<\/strong>/);
    } finally {
      await startWorker('cluster');
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
