// Issue 9, item 9: the scheduler is ours alone. Another OS account on the cluster submits a
// job named (and commented) exactly like a series' chunk, on the real one-node SLURM; the
// series, run over SSH like a real cluster host, neither adopts that job, nor counts it
// alive (which would keep the series waiting for ever), nor shows its hold, and a cancel of
// the series neither cancels it nor waits for it. Before squeue and scancel were scoped with
// --user, submit reused the foreign job id, polls kept it alive, and cancel (as root here)
// killed it — as a plain account it failed on it instead, blocking the cancel.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Executor, HostSpec, PollRequest, PollResult, SeriesSpec } from '../../hosts/executor.ts';
import { createExecutor } from '../../hosts/index.ts';
import { chunkComment, jobName } from '../../hosts/slurm/sbatch-script.ts';
import { startSlurm, type TestSlurm } from '../support/slurm.ts';
import { startSshd, type TestSshd, sshHostFields } from '../support/sshd.ts';
import { pollUntilDone, seriesSpec, tempDir, wholeChunk } from '../hosts/helpers.ts';

/** Another account on the cluster (created when absent; the tests run as root). */
const FOREIGN_USER = 'tuplet-foreign';

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

async function ensureForeignUser(): Promise<void> {
  const exists = () =>
    run('id', ['-u', FOREIGN_USER]).then(
      () => true,
      () => false,
    );
  if (await exists()) return;
  // Another test process may create it at the same moment: what counts is that it exists.
  await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', FOREIGN_USER]).catch(
    (error: unknown) => {
      if (!(error instanceof Error)) throw error;
    },
  );
  assert.ok(await exists(), `could not create the OS user ${FOREIGN_USER}`);
}

let slurm: TestSlurm;
let sshd: TestSshd;
let root: { dir: string; remove: () => Promise<void> };
const foreignJobs: string[] = [];
const executors: Executor[] = [];

/** A held job of the foreign account, named and commented like chunk 0, attempt 1 of the series. */
async function submitForeignJob(seriesId: string): Promise<string> {
  const out = await run('runuser', [
    '-u',
    FOREIGN_USER,
    '--',
    'env',
    `SLURM_CONF=${slurm.slurmConf}`,
    'sbatch',
    '--parsable',
    '--hold',
    `--job-name=${jobName(seriesId)}`,
    `--comment=${chunkComment(seriesId, { chunkIndex: 0, attempt: 1 })}`,
    '--chdir=/tmp',
    '--output=/dev/null',
    '--wrap=sleep 600',
  ]);
  const id = out.trim().split(';')[0]!;
  assert.match(id, /^\d+$/, `sbatch answered ${out}`);
  foreignJobs.push(id);
  return id;
}

/** `JOBID|STATE|USER` of every job with this name, whoever owns it. */
async function jobsNamed(name: string): Promise<string[]> {
  const out = await run('squeue', ['-h', '-t', 'all', '--name', name, '-o', '%F|%T|%u'], slurm.env);
  return out.split('\n').filter(Boolean);
}

function sshExecutor(name: string): Executor {
  const host: HostSpec = {
    name,
    kind: 'slurm',
    workdir: path.join(root.dir, name),
    ...sshHostFields(sshd),
  };
  const executor = createExecutor(host, { slurm: { cancelWaitSeconds: 5 } });
  executors.push(executor);
  return executor;
}

before(async () => {
  await ensureForeignUser();
  root = await tempDir('scheduler-scope');
  slurm = await startSlurm();
  sshd = await startSshd({ env: slurm.env });
});

after(async () => {
  if (foreignJobs.length > 0) await run('scancel', foreignJobs, slurm.env).catch(() => undefined);
  for (const executor of executors) await executor.close();
  await sshd?.stop();
  await slurm?.stop();
  await root?.remove();
});

describe('squeue and scancel see only the host user’s jobs', () => {
  test('a foreign job named like the chunk is not adopted, not counted alive, and the series completes', async () => {
    const seriesId = `scope-run-${process.pid}`;
    const foreign = await submitForeignJob(seriesId);
    const executor = sshExecutor('scope-run');
    const series: SeriesSpec = seriesSpec(seriesId, '[run]\nx = 1 2 3\n', 'echo "$TUPLET_INDEX" > out.txt', {
      count: 3,
    });
    const chunk = wholeChunk(3);
    await executor.stageSeries(series);
    await executor.stageChunk(series, chunk);

    const { jobId, reused } = await executor.submit(series, chunk);
    assert.equal(reused, false, `submit adopted job ${jobId}`);
    assert.notEqual(jobId, foreign);

    // Every poll on the way: the foreign job is neither alive for the series nor its hold reason.
    const polls: PollResult[] = [];
    const poller = {
      async poll(s: SeriesSpec, request: PollRequest) {
        const result = await executor.poll(s, request);
        polls.push(result);
        return result;
      },
    };
    const states = await pollUntilDone(executor, series, { ...chunk, jobId }, 3, {
      poller,
      timeoutMs: 60_000,
    });
    assert.deepEqual(
      [...states.values()].map((c) => c.state),
      ['succeeded', 'succeeded', 'succeeded'],
    );
    for (const result of polls) {
      assert.ok(!result.aliveJobs.includes(foreign), `a poll counted the foreign job ${foreign} alive`);
      assert.equal(result.held, undefined);
    }
    assert.deepEqual(
      await jobsNamed(jobName(seriesId)).then((l) => l.filter((j) => j.startsWith(`${foreign}|`))),
      [`${foreign}|PENDING|${FOREIGN_USER}`],
    );
  });

  test('a cancel stops the series’ job and neither cancels nor waits for the foreign one', async () => {
    const seriesId = `scope-cancel-${process.pid}`;
    const executor = sshExecutor('scope-cancel');
    const series: SeriesSpec = seriesSpec(seriesId, '[run]\nx = 1 2\n', 'sleep 300', { count: 2 });
    const chunk = wholeChunk(2);
    await executor.stageSeries(series);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    const foreign = await submitForeignJob(seriesId);

    // By name, and even when handed the foreign job's id.
    await executor.cancel(series, [jobId, foreign]);

    const left = await jobsNamed(jobName(seriesId));
    assert.deepEqual(
      left.filter((j) => /\|(PENDING|RUNNING|COMPLETING|CONFIGURING)\|/.test(j)),
      [`${foreign}|PENDING|${FOREIGN_USER}`],
      `jobs named like the series after the cancel: ${left.join(', ')}`,
    );
  });
});
