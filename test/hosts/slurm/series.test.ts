// End to end on a `slurm` host reached over SSH (the web server outside the cluster): the
// whole stack (HTTP API, Temporal workflows, host worker) runs a 375-tuple series on the
// real one-node cluster to `completed` with every output collected, in at most 2 sbatch
// calls; cancel over HTTP leaves nothing of the series in squeue.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseJobcompLine } from '../../../hosts/slurm/jobcomp.ts';
import { waitForSeries, type InProcessStack, type SeriesBody } from '../../support/stack.ts';
import { waitFor } from '../../support/wait.ts';
import { startSlurmStack, type SlurmStack } from '../../support/slurm-stack.ts';
import type { TestSlurm } from '../../support/slurm.ts';

function squeue(slurm: TestSlurm, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile('squeue', ['-h', ...args], { env: { ...process.env, ...slurm.env } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.split('\n').filter(Boolean)),
    ),
  );
}

describe('a series on a slurm host over SSH', { timeout: 300_000 }, () => {
  let cluster: SlurmStack;
  let stack: InProcessStack;

  before(async () => {
    cluster = await startSlurmStack('slurm-series');
    stack = cluster.stack;
    const app = await stack.request('POST', '/api/v1/applications', {
      name: 'echo-config',
      command:
        'grep "^x" "$TUPLET_CONFIG" > seen.txt && printf \'{"x": %s}\\n\' "$(sed -n "s/^x = //p" "$TUPLET_CONFIG")" > metrics.json',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });
  after(async () => {
    await cluster?.stop();
  });

  test('375 tuples complete with every output collected, in at most 2 sbatch calls', async () => {
    const created = await stack.request<{ id: string; count: number }>('POST', '/api/v1/series', {
      application: 'echo-config',
      host: 'cluster',
      ini: '[p]\nx = 1...1...125\nmode = a b c\n',
      description: 'slurm end to end',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.count, 375);
    const id = created.body.id;
    const series = await waitForSeries<SeriesBody>(
      stack,
      id,
      (s) => s.state === 'completed' || s.state.startsWith('completed_') || s.state === 'failed',
      240_000,
    );
    assert.equal(series.state, 'completed', JSON.stringify(series));
    assert.equal(series.counts.succeeded, 375);

    // Every run's outputs are in the series storage.
    const storage = path.join(stack.dataDir, 'storage', id, 'runs');
    const runs = await readdir(storage);
    assert.equal(runs.length, 375);
    for (const dir of runs.slice(0, 375).filter((_, i) => i % 25 === 0)) {
      const seen = await readFile(path.join(storage, dir, 'seen.txt'), 'utf8');
      const metrics = JSON.parse(await readFile(path.join(storage, dir, 'metrics.json'), 'utf8')) as {
        x: number;
      };
      assert.equal(seen.trim(), `x = ${metrics.x}`);
    }

    // sbatch calls: every job id the chunks recorded on the host (one per sbatch).
    const slurmDir = path.join(cluster.workdir, id, '.tuplet/slurm');
    const jobFiles = (await readdir(slurmDir)).filter((f) => f.endsWith('.jobs'));
    const jobIds = (await Promise.all(jobFiles.map((f) => readFile(path.join(slurmDir, f), 'utf8'))))
      .join('')
      .split('\n')
      .filter(Boolean);
    assert.ok(jobIds.length >= 1 && jobIds.length <= 2, jobIds.join(','));
    // What SLURM ran for the series, from its durable record of finished jobs: squeue forgets a
    // job MinJobAge (60 s) after it ends, which a loaded machine's collect and archive outlast.
    // A task's record is written as its step ends, just after its exit file: wait for all 375.
    let recorded = 0;
    const ranBySlurm = await waitFor(
      async () => {
        const text = await readFile(cluster.slurm.jobcompFile, 'utf8');
        const records = text
          .split('\n')
          .map(parseJobcompLine)
          .filter((record) => record?.name === `tuplet-${id}`);
        recorded = records.length;
        return records.length >= 375 ? new Set(records.map((r) => r!.arrayJobId ?? r!.jobId)) : undefined;
      },
      { what: `the jobcomp records of the series' 375 tasks`, lastSeen: () => ({ recorded }) },
    );
    assert.deepEqual([...ranBySlurm].sort(), [...new Set(jobIds)].sort());
  });

  test('a series whose jobs the scheduler holds shows why, until it is cancelled', async () => {
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'echo-config',
      host: 'cluster',
      ini: '[p]\nx = 1 2 3\n',
      resources: { partition: 'short', time: '00:05:00' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    const held = await waitForSeries<SeriesBody & { reason: string | null }>(
      stack,
      id,
      (s) => (s.reason ?? '').includes('PartitionTimeLimit'),
      60_000,
    );
    assert.equal(held.state, 'running');
    assert.equal(
      held.reason,
      "waiting in the queue: PartitionTimeLimit: the time limit asked for exceeds the partition's maximum",
    );
    const cancelled = await stack.request('POST', `/api/v1/series/${id}/cancel`);
    assert.ok(cancelled.status >= 200 && cancelled.status < 300, JSON.stringify(cancelled.body));
    const series = await waitForSeries<SeriesBody & { reason: string | null }>(
      stack,
      id,
      (s) => s.state === 'cancelled',
      60_000,
    );
    assert.equal(series.reason, 'cancelled by request');
  });

  test('cancel over HTTP leaves nothing of the series in squeue', async () => {
    const app = await stack.request('POST', '/api/v1/applications', { name: 'sleeper', command: 'sleep 60' });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'sleeper',
      host: 'cluster',
      ini: '[p]\nx = 1...1...40\n',
      description: 'slurm cancel',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    await waitForSeries<SeriesBody>(stack, id, (s) => s.counts.running > 0, 60_000);
    assert.ok((await squeue(cluster.slurm, ['--name', `tuplet-${id}`, '-o', '%i'])).length > 0);
    const cancelled = await stack.request('POST', `/api/v1/series/${id}/cancel`);
    assert.ok(cancelled.status >= 200 && cancelled.status < 300, JSON.stringify(cancelled.body));
    const series = await waitForSeries<SeriesBody>(stack, id, (s) => s.state === 'cancelled', 60_000);
    assert.equal(series.counts.succeeded, 0);
    assert.deepEqual(
      await squeue(cluster.slurm, ['--name', `tuplet-${id}`, '-t', 'PENDING,RUNNING,COMPLETING', '-o', '%i']),
      [],
    );
  });
});
