// The SLURM executor against the real one-node cluster (scripts/services/slurm.sh): whole
// series through stage → submit → poll → collect over the local transport and over SSH,
// chunks split by a low MaxArraySize, GPUs, cancel, idempotent submit, reruns, and a
// slurmctld restart in the middle of a series.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ChunkSpec, HostSpec, RunChange, SeriesSpec } from '../../../hosts/executor.ts';
import { PollBatcher } from '../../../hosts/poll-batcher.ts';
import type { Transport } from '../../../hosts/transport.ts';
import { createExecutor } from '../../../hosts/index.ts';
import { LocalTransport } from '../../../hosts/local-transport.ts';
import { SlurmExecutor, type SlurmExecutorOptions } from '../../../hosts/slurm/index.ts';
import { SCRIPT_ARGUMENT_BYTES } from '../../../hosts/slurm/commands.ts';
import { parseJobcompLine } from '../../../hosts/slurm/jobcomp.ts';
import { renderSbatchScript } from '../../../hosts/slurm/sbatch-script.ts';
import { planChunks } from '../../../workflows/plan.ts';
import { startSlurm, type TestSlurm } from '../../support/slurm.ts';
import { startSshd, type TestSshd, sshHostFields } from '../../support/sshd.ts';
import { waitFor } from '../../support/wait.ts';
import { pollUntilDone, seriesSpec, tempDir, wholeChunk } from '../helpers.ts';

// Series ids of this process: the one-node cluster is shared by every test process on the
// machine (all as one user), so fixed ids would let two runs adopt or cancel each other's jobs.
const id = (name: string) => `${name}-${process.pid}`;

let root: { dir: string; remove: () => Promise<void> };
let slurm: TestSlurm;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  root = await tempDir('slurm');
  slurm = await startSlurm();
});
after(async () => {
  for (const close of closers.reverse()) await close();
  await slurm?.stop();
  await root?.remove();
});

const host = (name: string, extra: Partial<HostSpec> = {}): HostSpec => ({
  name,
  kind: 'slurm',
  workdir: path.join(root.dir, name),
  ...extra,
});

function localExecutor(
  name: string,
  cluster: TestSlurm = slurm,
  options: SlurmExecutorOptions = {},
): SlurmExecutor {
  const executor = new SlurmExecutor(host(name), new LocalTransport(), { env: cluster.env, ...options });
  closers.push(() => executor.close());
  return executor;
}

/** `squeue` of this cluster: the lines for a job name, pending or running only. */
function squeueOf(
  cluster: TestSlurm,
  name: string,
  states = 'PENDING,RUNNING,COMPLETING',
): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile(
      'squeue',
      ['-h', '--name', name, '-t', states, '-o', '%i %T'],
      { env: { ...process.env, ...cluster.env } },
      (error, stdout) => (error ? reject(error) : resolve(stdout.split('\n').filter(Boolean))),
    ),
  );
}

const INI20 = '[run]\nx = 1...1...20\nlabel = "a b" $(id)\n'; // 40 tuples; chunks below take 20
const COMMAND = [
  'grep "^x" "$TUPLET_CONFIG" > seen.txt',
  'printf \'{"index": %s}\\n\' "$TUPLET_INDEX" > metrics.json',
  'echo "${CUDA_VISIBLE_DEVICES:-none}" > gpu.txt',
].join('\n');

async function runSeries(
  executor: SlurmExecutor,
  series: SeriesSpec,
  chunks: ChunkSpec[],
  storage: string,
): Promise<Map<number, RunChange>> {
  await executor.stageSeries(series);
  const states = new Map<number, RunChange>();
  await Promise.all(
    chunks.map(async (chunk) => {
      await executor.stageChunk(series, chunk);
      const { jobId, reused } = await executor.submit(series, chunk);
      assert.equal(reused, false);
      const size = chunk.ranges ? chunk.ranges.reduce((n, [a, b]) => n + b - a, 0) : chunk.length;
      const done = await pollUntilDone(executor, series, { ...chunk, jobId }, size, { timeoutMs: 60_000 });
      for (const [index, change] of done) states.set(index, change);
      const collected = await executor.collect(series, chunk, storage);
      assert.equal(collected.runs, size);
    }),
  );
  return states;
}

async function collectedIndices(storage: string, seriesId: string): Promise<number[]> {
  const runs = await readdir(path.join(storage, seriesId, 'runs'));
  const indices = await Promise.all(
    runs.map(async (dir) => {
      const metrics = JSON.parse(
        await readFile(path.join(storage, seriesId, 'runs', dir, 'metrics.json'), 'utf8'),
      ) as {
        index: number;
      };
      const exit = await readFile(path.join(storage, seriesId, 'runs', dir, '.tuplet/exit'), 'utf8');
      assert.equal(exit.trim(), '0');
      return metrics.index;
    }),
  );
  return indices.sort((a, b) => a - b);
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('slurm executor', { concurrency: true }, () => {
  test('reads the cluster limits once', async () => {
    const executor = localExecutor('limits');
    const limits = await executor.limits();
    assert.equal(limits.maxArraySize, 100001);
    assert.equal(limits.minJobAgeSeconds, 60);
    assert.equal(limits.jobCompType, 'jobcomp/filetxt');
    assert.equal(await executor.maxChunkSize(), 10_000);
    assert.equal(executor.limits(), executor.limits());
    const check = await executor.check();
    assert.deepEqual(
      check.partitions.map((p) => [p.name, p.default, p.available]),
      [
        ['debug', true, true],
        ['short', false, true],
      ],
    );
    assert.equal(check.gpus, 2);
    assert.ok(check.freeGpus >= 0 && check.freeGpus <= 2);
  });

  test('a 20-tuple series completes over the local transport, in one sbatch', async () => {
    const executor = localExecutor('local20');
    const series = seriesSpec(id('local20'), INI20, COMMAND, { count: 40, collect: ['seen.txt'] });
    const storage = path.join(root.dir, 'storage-local');
    const states = await runSeries(
      executor,
      series,
      [{ chunkIndex: 0, offset: 0, length: 20, attempt: 1 }],
      storage,
    );
    assert.deepEqual(
      [...states.keys()].sort((a, b) => a - b),
      range(20),
    );
    for (const change of states.values()) {
      assert.equal(change.state, 'succeeded');
      assert.equal(change.exitCode, 0);
      assert.ok(change.startedAt && change.endedAt);
    }
    assert.deepEqual(await collectedIndices(storage, id('local20')), range(20));
    // One job array for the series (every task of job 1 array line shares the id).
    const jobs = await readFile(
      path.join(root.dir, 'local20', id('local20'), '.tuplet/slurm/chunk-0.a1.jobs'),
      'utf8',
    );
    assert.equal(jobs.trim().split('\n').length, 1);
  });

  test('a 20-tuple series completes over SSH (createExecutor, one connection)', async () => {
    const sshd: TestSshd = await startSshd({ env: slurm.env });
    closers.push(() => sshd.stop());
    const executor = createExecutor(
      host('ssh20', {
        ...sshHostFields(sshd),
      }),
    ) as SlurmExecutor;
    closers.push(() => executor.close());
    assert.ok(executor instanceof SlurmExecutor);
    const series = seriesSpec(id('ssh20'), INI20, COMMAND, { count: 40 });
    const storage = path.join(root.dir, 'storage-ssh');
    const states = await runSeries(
      executor,
      series,
      [{ chunkIndex: 1, offset: 20, length: 20, attempt: 1 }],
      storage,
    );
    assert.deepEqual(
      [...states.keys()].sort((a, b) => a - b),
      range(20, 20),
    );
    assert.ok([...states.values()].every((c) => c.state === 'succeeded'));
    assert.deepEqual(await collectedIndices(storage, id('ssh20')), range(20, 20));
  });

  test('MaxArraySize set low: the series is split into arrays that all complete', async () => {
    const small = await startSlurm({ maxArraySize: 8 });
    closers.push(() => small.stop());
    const executor = localExecutor('split', small);
    assert.equal(await executor.maxChunkSize(), 8);
    const series = seriesSpec(id('split'), INI20, COMMAND, { count: 40 });
    const planned = planChunks([[0, 20]], await executor.maxChunkSize(), true);
    assert.deepEqual(
      planned.map((c) => c.length),
      [8, 8, 4],
    );
    // A chunk larger than the cluster allows is refused before sbatch.
    await assert.rejects(
      executor.submit(series, { chunkIndex: 9, offset: 0, length: 9, attempt: 1 }),
      /MaxArraySize 8/,
    );
    const storage = path.join(root.dir, 'storage-split');
    const states = await runSeries(
      executor,
      series,
      planned.map(({ chunkIndex, offset, length }) => ({ chunkIndex, offset, length, attempt: 1 })),
      storage,
    );
    assert.equal([...states.values()].filter((c) => c.state === 'succeeded').length, 20);
    assert.deepEqual(await collectedIndices(storage, id('split')), range(20));
  });

  test('chunks of several series polled together: one squeue and scan exec per interval', async () => {
    // The real local transport, noting when each poll exec starts.
    const pollStarts: number[] = [];
    const transport = new LocalTransport();
    const counting: Transport = {
      label: transport.label,
      exec: (argv, options) => {
        if (argv.includes('tuplet-poll')) pollStarts.push(Date.now());
        return transport.exec(argv, options);
      },
      execStream: (argv, options) => transport.execStream(argv, options),
      close: () => transport.close(),
    };
    const executor = new SlurmExecutor(host('batched'), counting, { env: slurm.env });
    closers.push(() => executor.close());
    const minGapMs = 400;
    const batcher = new PollBatcher((items) => executor.pollMany(items), { minGapMs });
    let asked = 0;
    const poller = { poll: (...args: Parameters<PollBatcher['poll']>) => (asked++, batcher.poll(...args)) };

    const first = seriesSpec(id('batched-a'), INI20, 'sleep 0.5', { count: 40 });
    const second = seriesSpec(id('batched-b'), INI20, 'sleep 0.5', { count: 40 });
    const work: Array<[SeriesSpec, ChunkSpec]> = [
      [first, { chunkIndex: 0, offset: 0, length: 6, attempt: 1 }],
      [first, { chunkIndex: 1, offset: 6, length: 6, attempt: 1 }],
      [first, { chunkIndex: 2, offset: 12, length: 4, attempt: 1 }],
      [second, { chunkIndex: 0, offset: 0, length: 6, attempt: 1 }],
    ];
    await Promise.all([executor.stageSeries(first), executor.stageSeries(second)]);
    const results = await Promise.all(
      work.map(async ([series, chunk]) => {
        await executor.stageChunk(series, chunk);
        const { jobId } = await executor.submit(series, chunk);
        return pollUntilDone(executor, series, { ...chunk, jobId }, chunk.length, {
          poller,
          timeoutMs: 90_000,
        });
      }),
    );
    results.forEach((states, i) => {
      const [, chunk] = work[i]!;
      assert.deepEqual(
        [...states.keys()].sort((a, b) => a - b),
        range(chunk.length, chunk.offset),
        `chunk ${i} got its own runs only`,
      );
      assert.ok([...states.values()].every((c) => c.state === 'succeeded'));
    });
    // Four askers polled every 150 ms; the host saw far fewer execs, never two within the gap.
    assert.equal(pollStarts.length, batcher.execCount);
    assert.ok(pollStarts.length < asked / 2, `${pollStarts.length} execs for ${asked} polls`);
    const gaps = pollStarts.slice(1).map((t, i) => t - pollStarts[i]!);
    // (Seen where the exec is called, after some async work of each batch: a few ms of jitter.)
    assert.ok(Math.min(...gaps) >= minGapMs - 25, `gaps ${gaps.join(',')}`);
  });

  test('one poll of several series: a series whose directory is gone fails alone', async () => {
    const executor = localExecutor('missing');
    const present = seriesSpec(id('present'), 'x = 1 2\n', 'true', { count: 2 });
    await executor.stageSeries(present);
    const chunk = wholeChunk(2);
    await executor.stageChunk(present, chunk);
    const { jobId } = await executor.submit(present, chunk);
    await pollUntilDone(executor, present, { ...chunk, jobId }, 2, { timeoutMs: 60_000 });
    const [ok, gone] = await executor.pollMany([
      { series: present, request: { chunks: [{ ...chunk, jobId }] } },
      { series: seriesSpec(id('never-staged'), 'x = 1\n', 'true'), request: { chunks: [chunk] } },
    ]);
    assert.ok(ok && !(ok instanceof Error), String(ok));
    assert.deepEqual(
      ok.changes.map((c) => c.state),
      ['succeeded', 'succeeded'],
    );
    assert.ok(gone instanceof Error);
    assert.equal(gone.name, 'SeriesDirMissingError');
  });

  test('a job held for a reason that needs a person says so in the poll', async () => {
    const executor = localExecutor('held');
    // The `short` partition allows 1 minute: asking for 5 leaves the job pending for good.
    const series = seriesSpec(id('held'), 'x = 1 2\n', 'true', {
      count: 2,
      resources: { partition: 'short', time: '00:05:00' },
    });
    await executor.stageSeries(series);
    const chunk = wholeChunk(2);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    try {
      const held = await waitFor(
        async () => (await executor.poll(series, { chunks: [{ ...chunk, jobId }] })).held,
        { what: `the poll to report job ${jobId} held`, timeoutMs: 30_000, intervalMs: 250 },
      );
      assert.match(held, /^PartitionTimeLimit: the time limit asked for exceeds the partition's maximum$/);
    } finally {
      await executor.cancel(series, [jobId]);
    }
    // A job that runs is not held.
    const free = seriesSpec(id('not-held'), 'x = 1 2\n', 'true', { count: 2 });
    await executor.stageSeries(free);
    await executor.stageChunk(free, chunk);
    const submitted = await executor.submit(free, chunk);
    const result = await executor.poll(free, { chunks: [{ ...chunk, jobId: submitted.jobId }] });
    assert.equal(result.held, undefined);
  });

  test('resources.gpus = 1: every task gets one GPU of its own', async () => {
    const executor = localExecutor('gpus');
    const command = 'echo "$CUDA_VISIBLE_DEVICES" > gpu.txt; sleep 1';
    const series = seriesSpec(id('gpus'), INI20, command, { count: 40, resources: { gpus: 1 } });
    const storage = path.join(root.dir, 'storage-gpus');
    await runSeries(executor, series, [{ chunkIndex: 0, offset: 0, length: 4, attempt: 1 }], storage);
    const runs = await readdir(path.join(storage, id('gpus'), 'runs'));
    const seen = await Promise.all(
      runs.map(async (dir) =>
        (await readFile(path.join(storage, id('gpus'), 'runs', dir, 'gpu.txt'), 'utf8')).trim(),
      ),
    );
    assert.equal(seen.length, 4);
    assert.ok(
      seen.every((gpu) => gpu === '0' || gpu === '1'),
      seen.join(','),
    );
    assert.deepEqual([...new Set(seen)].sort(), ['0', '1']);
  });

  test('cancel leaves nothing in squeue; the runs it stopped are reported cancelled', async () => {
    const executor = localExecutor('cancel');
    const series = seriesSpec(id('cancel'), INI20, 'sleep 60', { count: 40 });
    const chunk: ChunkSpec = { chunkIndex: 0, offset: 0, length: 20, attempt: 1 };
    await executor.stageSeries(series);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    try {
      // The shared cluster's two CPUs may be busy with the other tests' jobs for a while.
      await pollUntilDone(executor, series, { ...chunk, jobId }, 20, {
        onPoll: (states) => [...states.values()].some((c) => c.state === 'running'),
        timeoutMs: 60_000,
      });
      assert.ok((await squeueOf(slurm, `tuplet-${id('cancel')}`)).length > 0);
    } finally {
      // Also when the wait fails: 20 tasks of `sleep 60` left behind would hold both CPUs for
      // ten minutes and time out every other test of this file (a CI run failed so).
      await executor.cancel(series, [jobId]);
    }
    assert.deepEqual(await squeueOf(slurm, `tuplet-${id('cancel')}`), []);

    const states = await pollUntilDone(executor, series, { ...chunk, jobId }, 20);
    assert.equal(states.size, 20);
    for (const change of states.values()) {
      assert.equal(change.state, 'cancelled');
      assert.equal(change.reason, 'CANCELLED');
      assert.equal(change.exitCode, null);
    }
    // A submit after cancel starts nothing.
    await assert.rejects(executor.submit(series, chunk), { name: 'ChunkCancelledError' });
    assert.deepEqual(await squeueOf(slurm, `tuplet-${id('cancel')}`), []);
  });

  test('a retried submit does not submit twice, even when the answer was lost', async () => {
    const executor = localExecutor('retry');
    const series = seriesSpec(id('retry'), INI20, 'sleep 2', { count: 40 });
    const chunk: ChunkSpec = { chunkIndex: 0, offset: 0, length: 6, attempt: 1 };
    await executor.stageSeries(series);
    await executor.stageChunk(series, chunk);
    const [a, b] = await Promise.all([executor.submit(series, chunk), executor.submit(series, chunk)]);
    assert.equal(a.jobId, b.jobId);
    assert.deepEqual([a.reused, b.reused].sort(), [false, true]);

    // The record of the answer is gone (a worker killed right after sbatch): found by its comment.
    const slurmDir = path.join(root.dir, 'retry', id('retry'), '.tuplet/slurm');
    await rm(path.join(slurmDir, 'chunk-0.a1.jobs'));
    const again = await executor.submit(series, chunk);
    assert.deepEqual(again, { jobId: a.jobId, reused: true });

    const jobs = new Set(
      (await squeueOf(slurm, `tuplet-${id('retry')}`, 'all')).map((line) => line.split('_')[0]),
    );
    assert.deepEqual([...jobs], [a.jobId]);
    const states = await pollUntilDone(executor, series, { ...chunk, jobId: a.jobId }, 6, {
      timeoutMs: 60_000,
    });
    assert.equal([...states.values()].filter((c) => c.state === 'succeeded').length, 6);
    // Finished: submitting again still finds the job and submits nothing.
    assert.deepEqual(await executor.submit(series, chunk), { jobId: a.jobId, reused: true });
  });

  test('a job script too long for one argument (a long admin environment) goes on stdin and runs', async () => {
    // 20 variables of 4,000 characters: within the host's limits, beyond one argument's share.
    const env = Object.fromEntries(range(20).map((i) => [`LONG_${i}`, String(i % 10).repeat(4000)]));
    const executor = new SlurmExecutor(host('longenv', { env }), new LocalTransport(), { env: slurm.env });
    closers.push(() => executor.close());
    const series = seriesSpec(id('longenv'), '[run]\nx = 1 2\n', 'printf %s "$LONG_19" | wc -c > seen.txt', {
      count: 2,
      collect: ['seen.txt'],
    });
    const script = renderSbatchScript({
      series,
      chunk: wholeChunk(2),
      size: 2,
      host: host('longenv', { env }),
    });
    assert.ok(Buffer.byteLength(script) > SCRIPT_ARGUMENT_BYTES, `a script of ${script.length} bytes`);
    const storage = path.join(root.dir, 'storage-longenv');
    const states = await runSeries(executor, series, [wholeChunk(2)], storage);
    assert.deepEqual(
      [...states.values()].map((c) => c.state),
      ['succeeded', 'succeeded'],
    );
    const written = await readFile(
      path.join(root.dir, 'longenv', id('longenv'), '.tuplet/slurm/chunk-0.a1.sbatch'),
      'utf8',
    );
    assert.equal(written, script, 'the job script as rendered');
    for (const dir of await readdir(path.join(storage, id('longenv'), 'runs'))) {
      const seen = await readFile(path.join(storage, id('longenv'), 'runs', dir, 'seen.txt'), 'utf8');
      assert.equal(seen.trim(), '4000');
    }
  });

  test('an SSH connection cut during submit: the retry finds the job, nothing is submitted twice', async () => {
    // sbatch behind a wrapper that waits first, so the cut lands inside the submit.
    const shims = path.join(root.dir, 'slow-sbatch');
    await mkdir(shims, { recursive: true });
    const real = execFileSync('bash', ['-c', 'command -v sbatch'], { encoding: 'utf8' }).trim();
    await writeFile(
      path.join(shims, 'sbatch'),
      `#!/bin/bash\ntouch ${shims}/called\nsleep 1.5\nexec ${real} "$@"\n`,
    );
    await chmod(path.join(shims, 'sbatch'), 0o755);
    const sshd = await startSshd({ env: { ...slurm.env, PATH: `${shims}:/usr/sbin:/usr/bin:/sbin:/bin` } });
    closers.push(() => sshd.stop());
    const executor = createExecutor(
      host('cut', {
        ...sshHostFields(sshd),
      }),
    );
    closers.push(() => executor.close());
    const series = seriesSpec(id('cut'), INI20, COMMAND, { count: 40 });
    const chunk: ChunkSpec = { chunkIndex: 0, offset: 0, length: 10, attempt: 1 };
    await executor.stageSeries(series);
    await executor.stageChunk(series, chunk);

    const first = executor.submit(series, chunk);
    first.catch(() => undefined);
    await waitFor(() => existsSync(path.join(shims, 'called')), {
      what: 'the slow sbatch wrapper to be called',
      intervalMs: 50,
    });
    assert.ok((await sshd.dropConnections()) >= 1);
    await assert.rejects(first);

    // The submit on the host goes on without its connection and records sbatch's answer.
    const jobsFile = path.join(root.dir, 'cut', id('cut'), '.tuplet/slurm/chunk-0.a1.jobs');
    await waitFor(() => existsSync(jobsFile), { what: `the submit on the host to record ${jobsFile}` });
    const recorded = (await readFile(jobsFile, 'utf8')).trim();
    const again = await executor.submit(series, chunk);
    assert.deepEqual(again, { jobId: recorded, reused: true });
    const jobs = new Set(
      (await squeueOf(slurm, `tuplet-${id('cut')}`, 'all')).map((line) => line.split('_')[0]),
    );
    assert.deepEqual([...jobs], [recorded]);
    const states = await pollUntilDone(executor, series, { ...chunk, jobId: recorded }, 10, {
      timeoutMs: 60_000,
    });
    assert.equal([...states.values()].filter((c) => c.state === 'succeeded').length, 10);
  });

  test('runs of a job squeue no longer shows get their reason from the jobcomp record', async () => {
    const executor = localExecutor('aged');
    const series = seriesSpec(id('aged'), INI20, 'sleep 60', { count: 40 });
    const chunk: ChunkSpec = { chunkIndex: 0, offset: 0, length: 4, attempt: 1 };
    await executor.stageSeries(series);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    // squeue by name stops seeing the job, as after MinJobAge; then the job is cancelled.
    const env = { ...process.env, ...slurm.env };
    try {
      execFileSync('scontrol', ['update', `JobId=${jobId}`, 'JobName=renamed-by-test'], { env });
      assert.deepEqual(await squeueOf(slurm, `tuplet-${id('aged')}`, 'all'), []);
    } finally {
      execFileSync('scancel', [jobId], { env });
    }
    const jobcomp = slurm.jobcompFile;
    // A pending array cancelled before any task started is one record without ArrayJobId.
    const recordOfJob = async () =>
      (await readFile(jobcomp, 'utf8'))
        .split('\n')
        .map(parseJobcompLine)
        .some((record) => record && (record.jobId === jobId || record.arrayJobId === jobId));
    await waitFor(recordOfJob, { what: `job ${jobId}'s record in ${jobcomp}` });
    const states = await pollUntilDone(executor, series, { ...chunk, jobId }, 4);
    assert.deepEqual([...states.keys()].sort(), [0, 1, 2, 3]);
    for (const change of states.values()) {
      assert.equal(change.state, 'cancelled');
      assert.equal(change.reason, 'CANCELLED');
    }
  });

  test('a rerun submits just the given indices as an array', async () => {
    const executor = localExecutor('rerun');
    // Run 3 fails the first time only (its run directory remembers).
    const command = '[ "$TUPLET_INDEX" != 3 ] || [ -f again ] || { touch again; exit 7; }';
    const series = seriesSpec(id('rerun'), INI20, command, { count: 40 });
    const first: ChunkSpec = { chunkIndex: 0, offset: 0, length: 12, attempt: 1 };
    const storage = path.join(root.dir, 'storage-rerun');
    const states = await runSeries(executor, series, [first], storage);
    assert.deepEqual(
      [...states.values()].filter((c) => c.state === 'failed').map((c) => [c.index, c.exitCode]),
      [[3, 7]],
    );
    const rerun: ChunkSpec = {
      ...first,
      attempt: 2,
      ranges: [
        [3, 4],
        [9, 11],
      ],
    };
    const { jobId } = await executor.submit(series, rerun);
    const again = await pollUntilDone(executor, series, { ...rerun, jobId }, 3, { timeoutMs: 60_000 });
    assert.deepEqual(
      [...again.keys()].sort((a, b) => a - b),
      [3, 9, 10],
    );
    assert.ok([...again.values()].every((c) => c.state === 'succeeded'));
    const attempts = await Promise.all(
      (await readdir(path.join(root.dir, 'rerun', id('rerun'), 'runs')))
        .sort()
        .map(async (dir) =>
          (
            await readFile(path.join(root.dir, 'rerun', id('rerun'), 'runs', dir, '.tuplet/attempt'), 'utf8')
          ).trim(),
        ),
    );
    assert.deepEqual(attempts, ['1', '1', '1', '2', '1', '1', '1', '1', '1', '2', '2', '1']);
  });

  test('slurmctld restarted in the middle of a series: the series still completes', async () => {
    const own = await startSlurm({ name: 'restart' });
    closers.push(() => own.stop());
    const executor = localExecutor('restart', own);
    const series = seriesSpec(id('restart'), INI20, 'sleep 0.3', { count: 40 });
    const chunk: ChunkSpec = { chunkIndex: 0, offset: 0, length: 20, attempt: 1 };
    await executor.stageSeries(series);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    let restarted: Promise<void> | undefined;
    const states = new Map<number, RunChange>();
    let cursor: string | undefined;
    await waitFor(
      async () => {
        const result = await executor.poll(series, {
          chunks: [{ ...chunk, jobId }],
          ...(cursor ? { cursor } : {}),
        });
        cursor = result.cursor;
        for (const change of result.changes) states.set(change.index, change);
        const succeeded = [...states.values()].filter((c) => c.state === 'succeeded').length;
        // While the controller is away the job is not taken for dead (a failed assert ends the wait).
        assert.ok(result.aliveJobs.includes(jobId) || succeeded === 20, `job lost after ${succeeded} runs`);
        if (!restarted && states.size > 0) restarted = own.restartController();
        return succeeded === 20 && result.aliveJobs.length === 0;
      },
      {
        what: `the 20 runs of job ${jobId} to succeed across a slurmctld restart`,
        timeoutMs: 60_000,
        intervalMs: 200,
        lastSeen: () => [...states.values()].map((c) => c.state),
      },
    );
    assert.ok(restarted, 'the controller was restarted');
    await restarted;
    assert.ok([...states.values()].every((c) => c.state === 'succeeded' && c.exitCode === 0));
  });
});
