// One pool per host: every runner under a host's workdir, whichever worker or transport
// started it, draws from the host's slots and GPUs (hosts/runner/lib/pool.sh). Proved from
// the runs' own start and end times, with real processes on the local transport and the
// real sshd of test/support.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Executor, HostSpec, SeriesSpec } from '../../../hosts/executor.ts';
import { createExecutor } from '../../../hosts/index.ts';
import { startSshd, type TestSshd, sshHostFields } from '../../support/sshd.ts';
import { waitFor } from '../../support/wait.ts';
import type { wholeChunk } from '../helpers.ts';
import { pollUntilDone, seriesSpec, tempDir } from '../helpers.ts';
import { registered, start } from './runners.ts';
import { maxOverlap, readSpans, type Span } from './spans.ts';

let root: { dir: string; remove: () => Promise<void> };
let sshd: TestSshd;
const executors: Executor[] = [];
before(async () => {
  root = await tempDir('pool');
  sshd = await startSshd();
});
after(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await sshd.stop();
  await root.remove();
});

/** A host of its own per test (its own workdir, so its own pool), reached locally. */
function localHost(workdir: string, extra: Partial<HostSpec> = {}): Executor {
  const executor = createExecutor({ name: 'ws', kind: 'local', workdir, ...extra });
  executors.push(executor);
  return executor;
}

/** The same machine and workdir reached over SSH, as a second host worker would. */
function sshHost(workdir: string, extra: Partial<HostSpec> = {}): Executor {
  const executor = createExecutor({
    name: 'ws',
    kind: 'ssh',
    ...sshHostFields(sshd),
    workdir,
    ...extra,
  });
  executors.push(executor);
  return executor;
}

/** Waits until `count` runs of the chunk are reported running. */
async function running(
  executor: Executor,
  series: SeriesSpec,
  chunk: ReturnType<typeof wholeChunk>,
  count: number,
) {
  await pollUntilDone(executor, series, chunk, chunk.length, {
    onPoll: (states) => [...states.values()].filter((c) => c.state === 'running').length >= count,
  });
}

/** Records start, end, GPU and series of each run in `log`; waits for `gate` first when given. */
function recordingCommand(log: string, gate?: string): string {
  const wait = gate ? `while [ ! -e ${gate} ]; do sleep 0.05; done; ` : 'sleep 0.2; ';
  return `s=$(date +%s.%N); ${wait}echo "$s $(date +%s.%N) \${CUDA_VISIBLE_DEVICES:--} $TUPLET_SERIES" >> ${log}`;
}

const ofSeries = (spans: Span[], id: string) => spans.filter((s) => s.labels[1] === id);

/** Processes in process group `pgid` (a runner's: itself and its waiters). */
function processGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pgid=,pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim().split(/\s+/)[0] === String(pgid));
}

void describe('one pool per host', { concurrency: true }, () => {
  void test('two series from two workers (local and ssh) never run more than 2 at once on a 2-slot, 2-GPU host, nor share a GPU', async () => {
    const workdir = path.join(root.dir, 'shared');
    const log = path.join(root.dir, 'shared.log');
    const spec = { slots: 2, gpus: 2 };
    const [one, two] = [localHost(workdir, spec), sshHost(workdir, spec)];
    // Every run waits for `go`, written once both runners are at the pool: their runs overlap.
    const go = path.join(root.dir, 'shared.go');
    const a = seriesSpec('pool-a', 'i = 1...1...6\n', recordingCommand(log, go));
    const b = seriesSpec('pool-b', 'i = 1...1...6\n', recordingCommand(log, go));
    const [chunkA, chunkB] = await Promise.all([start(one, a, 6), start(two, b, 6)]);
    await registered(workdir, chunkA.runnerPid);
    await registered(workdir, chunkB.runnerPid);
    await writeFile(go, '');
    await Promise.all([pollUntilDone(one, a, chunkA, 6), pollUntilDone(two, b, chunkB, 6)]);

    const spans = await readSpans(log);
    assert.equal(spans.length, 12);
    assert.equal(ofSeries(spans, 'pool-a').length, 6);
    assert.equal(ofSeries(spans, 'pool-b').length, 6);
    assert.equal(maxOverlap(spans), 2, 'the two slots, used, never exceeded');
    assert.deepEqual(new Set(spans.map((s) => s.labels[0])), new Set(['0', '1']));
    for (const gpu of ['0', '1']) {
      assert.equal(
        maxOverlap(spans.filter((s) => s.labels[0] === gpu)),
        1,
        `GPU ${gpu} held by one run at a time`,
      );
    }
  });

  void test('one worker per unit runs the chunk: every run is a direct child of the worker that claimed it, the same one run after run', async () => {
    const workdir = path.join(root.dir, 'worker');
    const host = localHost(workdir, { slots: 1 });
    // $PPID of `bash -c` is the process that forked it.
    const series = seriesSpec('worker-a', 'i = 1...1...5\n', 'echo $PPID > parent');
    const chunk = await start(host, series, 5);
    const states = await pollUntilDone(host, series, chunk, 5);
    assert.deepEqual(
      [...states.values()].map((s) => s.state),
      Array(5).fill('succeeded'),
    );
    const runs = path.join(workdir, 'worker-a', 'runs');
    const seen = await Promise.all(
      (await readdir(runs)).map(async (dir) => ({
        parent: (await readFile(path.join(runs, dir, 'parent'), 'utf8')).trim(),
        claimer: (await readFile(path.join(runs, dir, '.tuplet', 'claim-1'), 'utf8')).split(' ')[0],
      })),
    );
    assert.equal(seen.length, 5);
    for (const run of seen) assert.equal(run.parent, run.claimer, 'the run was forked by its worker');
    assert.equal(new Set(seen.map((r) => r.parent)).size, 1, 'one worker for the unit, not one per run');
    assert.deepEqual(
      await readdir(path.join(workdir, 'worker-a', '.tuplet', 'active')),
      [],
      'registrations removed',
    );
  });

  void test('a runner gives a unit back after a run when another runner waits (no series waits for a whole chunk)', async () => {
    const workdir = path.join(root.dir, 'turns');
    const log = path.join(root.dir, 'turns.log');
    const go = path.join(root.dir, 'turns.go');
    const host = localHost(workdir, { slots: 2 });
    const a = seriesSpec('turns-a', 'i = 1...1...6\n', recordingCommand(log, go));
    const b = seriesSpec('turns-b', 'i = 1...1...2\n', recordingCommand(log));
    const chunkA = await start(host, a, 6);
    await running(host, a, chunkA, 2);
    const chunkB = await start(host, b, 2);
    await registered(workdir, chunkB.runnerPid);
    await writeFile(go, '');
    await Promise.all([pollUntilDone(host, a, chunkA, 6), pollUntilDone(host, b, chunkB, 2)]);

    const spans = await readSpans(log);
    assert.equal(maxOverlap(spans), 2);
    const lastEndOfA = Math.max(...ofSeries(spans, 'turns-a').map((s) => s.end));
    const firstStartOfB = Math.min(...ofSeries(spans, 'turns-b').map((s) => s.start));
    assert.ok(firstStartOfB < lastEndOfA, 'B ran while A still had runs to start');
  });

  void test('a run outlives its runner killed with SIGKILL and keeps its slot; a crash leaves no stale lock', async () => {
    const workdir = path.join(root.dir, 'killed');
    const log = path.join(root.dir, 'killed.log');
    const release = path.join(root.dir, 'killed.release');
    const host = localHost(workdir, { slots: 1 });

    // The runner dies, its run goes on: the run keeps the host's only slot.
    const a = seriesSpec('killed-a', 'i = 1\n', recordingCommand(log, release));
    const chunkA = await start(host, a, 1);
    await running(host, a, chunkA, 1);
    process.kill(chunkA.runnerPid, 'SIGKILL');
    const b = seriesSpec('killed-b', 'i = 1\n', recordingCommand(log));
    const chunkB = await start(host, b, 1);
    await registered(workdir, chunkB.runnerPid);
    await writeFile(release, '');
    await pollUntilDone(host, a, { ...chunkA, jobId: '' }, 1);
    await pollUntilDone(host, b, chunkB, 1);
    const [ranA] = ofSeries(await readSpans(log), 'killed-a');
    const [ranB] = ofSeries(await readSpans(log), 'killed-b');
    assert.ok(ranA && ranB && ranB.start >= ranA.end, "B started only after A's orphaned run ended");

    // The machine "crashes" under a run: runner and run die without a word. The lock file
    // stays; the lock goes with its processes, and the next series gets the slot.
    const crashRelease = path.join(root.dir, 'never');
    const c = seriesSpec('killed-c', 'i = 1\n', recordingCommand(log, crashRelease));
    const chunkC = await start(host, c, 1);
    await running(host, c, chunkC, 1);
    const [active] = await readdir(path.join(workdir, 'killed-c', '.tuplet', 'active'));
    process.kill(chunkC.runnerPid, 'SIGKILL');
    process.kill(-Number(active!.split('-')[1]), 'SIGKILL');
    assert.ok(existsSync(path.join(workdir, '.tuplet-pool', 'slot-0')));
    const d = seriesSpec('killed-d', 'i = 1\n', recordingCommand(log));
    const chunkD = await start(host, d, 1);
    const states = await pollUntilDone(host, d, chunkD, 1);
    assert.equal(states.get(0)?.state, 'succeeded');
  });

  void test('a series waiting for the pool is queued; cancelling it ends its waiting runner and takes no slot', async () => {
    const workdir = path.join(root.dir, 'waiting');
    const log = path.join(root.dir, 'waiting.log');
    const release = path.join(root.dir, 'waiting.release');
    const host = localHost(workdir, { slots: 1 });
    const a = seriesSpec('waiting-a', 'i = 1\n', recordingCommand(log, release));
    const chunkA = await start(host, a, 1);
    await running(host, a, chunkA, 1);

    const b = seriesSpec('waiting-b', 'i = 1 2\n', recordingCommand(log));
    const chunkB = await start(host, b, 2);
    await registered(workdir, chunkB.runnerPid);
    await waitFor(() => processGroup(chunkB.runnerPid).some((line) => /\sflock \d+$/.test(line)), {
      what: "B's runner to wait on the pool's lock",
      timeoutMs: 15_000,
      lastSeen: () => processGroup(chunkB.runnerPid),
    });
    const waiting = await host.poll(b, { chunks: [chunkB] });
    assert.deepEqual(waiting.changes, [], 'no run of B started: they stay queued');
    assert.deepEqual(waiting.aliveJobs, [chunkB.jobId], "B's runner is alive, waiting");

    await host.cancel(b, [chunkB.jobId]);
    await waitFor(() => processGroup(chunkB.runnerPid).length === 0, {
      what: "B's runner and its waiters to be gone",
      timeoutMs: 10_000,
      lastSeen: () => processGroup(chunkB.runnerPid),
    });
    await writeFile(release, '');
    await pollUntilDone(host, a, chunkA, 1);
    const c = seriesSpec('waiting-c', 'i = 1\n', recordingCommand(log));
    const chunkC = await start(host, c, 1);
    await pollUntilDone(host, c, chunkC, 1);
    assert.deepEqual(
      (await readSpans(log)).map((s) => s.labels[1]),
      ['waiting-a', 'waiting-c'],
      'the cancelled series never ran',
    );
  });
});
