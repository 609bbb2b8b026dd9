// The production topology on a SLURM host over SSH: API and control worker in this process,
// the host worker a `tuplet worker --host` process of its own. That worker is killed with
// SIGKILL in the middle of submit (while sbatch is answering), started again, killed again
// in the middle of the polls and started again: the series completes with one sbatch in
// all and every run started and counted exactly once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startSlurm, type TestSlurm } from '../../support/slurm.ts';
import { sshHostFields, startSshd, type TestSshd } from '../../support/sshd.ts';
import {
  startHostWorkerProcess,
  startTestStack,
  waitForSeries,
  waitForSeriesEnd,
  type HostWorkerProcess,
  type InProcessStack,
  type SeriesBody,
} from '../../support/stack.ts';
import { startTemporal, type TestTemporal } from '../../support/temporal.ts';
import { waitFor } from '../../support/wait.ts';
import { tempDir } from '../helpers.ts';

let slurm: TestSlurm;
let sshd: TestSshd;
let temporal: TestTemporal;
let stack: InProcessStack;
let worker: HostWorkerProcess | undefined;
let work: { dir: string; remove: () => Promise<void> };

const lines = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { env: { ...process.env, ...slurm.env } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
}

before(async () => {
  [slurm, temporal, work] = await Promise.all([startSlurm(), startTemporal(), tempDir('host-crash')]);
  // sbatch answers 4 s late, so the worker can be killed while submit waits for it.
  const realSbatch = (await run('bash', ['-c', 'command -v sbatch'])).trim();
  await writeFile(
    path.join(work.dir, 'sbatch'),
    `#!/bin/bash\necho "$*" >>${work.dir}/sbatch.log\nsleep 4\nexec ${realSbatch} "$@"\n`,
  );
  await chmod(path.join(work.dir, 'sbatch'), 0o755);
  [sshd, stack] = await Promise.all([
    startSshd({ env: { ...slurm.env, PATH: `${work.dir}:${process.env.PATH}` } }),
    startTestStack({ temporalAddress: temporal.address, hostWorkers: false }),
  ]);
});
after(async () => {
  await worker?.stop('SIGKILL');
  await stack?.stop();
  await sshd?.stop();
  await temporal?.stop();
  await slurm?.stop();
  await work?.remove();
});

test(
  'a host worker killed during submit and during polls: one sbatch, every run once',
  { timeout: 300_000 },
  async () => {
    const startWorker = () =>
      startHostWorkerProcess({
        temporalAddress: temporal.address,
        dataDir: stack.dataDir,
        hostName: 'cluster',
      });
    const host = await stack.request('POST', '/api/v1/hosts', {
      name: 'cluster',
      kind: 'slurm',
      ...sshHostFields(sshd),
      workdir: path.join(work.dir, 'hosts'),
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    const startsLog = path.join(work.dir, 'starts.log');
    const app = await stack.request('POST', '/api/v1/applications', {
      name: 'counter',
      command: `echo "$TUPLET_INDEX" >> ${JSON.stringify(startsLog)}; sleep 0.3`,
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    worker = await startWorker();

    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'counter',
      host: 'cluster',
      ini: 'x = 1...1...40\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;

    // Killed while sbatch is answering: the submit script finishes on the host without us.
    await waitFor(async () => (await lines(path.join(work.dir, 'sbatch.log'))).length > 0, {
      what: 'sbatch to be called',
      timeoutMs: 60_000,
    });
    await worker.stop('SIGKILL');
    worker = await startWorker();

    // Killed again once runs are being polled.
    await waitForSeries<SeriesBody>(stack, id, (s) => s.counts.succeeded >= 3, 120_000);
    await worker.stop('SIGKILL');
    worker = await startWorker();

    const series = await waitForSeriesEnd(stack, id);
    assert.equal(series.state, 'completed', JSON.stringify(series));
    assert.equal(series.counts.succeeded, 40);
    assert.equal((await lines(path.join(work.dir, 'sbatch.log'))).length, 1, 'one sbatch in all');
    const recorded = await lines(path.join(work.dir, 'hosts', id, '.tuplet/slurm/chunk-0.a1.jobs'));
    assert.equal(recorded.length, 1, `the chunk's job ids: ${recorded.join(',')}`);
    const starts = (await lines(startsLog)).map(Number);
    assert.equal(starts.length, 40, 'each run started once');
    assert.deepEqual(
      [...new Set(starts)].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i),
    );
  },
);
