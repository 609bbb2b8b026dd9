// The local executor end to end with real processes: stage → submit → poll → collect,
// slots, GPU slots, cancel, a runner killed and restarted, reruns, hostile values.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createExecutor } from '../../hosts/index.ts';
import type { Executor, HostSpec, PollResult } from '../../hosts/executor.ts';
import { waitFor } from '../support/wait.ts';
import { pollUntilDone, runWholeSeries, seriesSpec, tempDir, wholeChunk } from './helpers.ts';
import { maxOverlap, readSpans } from './runner/spans.ts';

let root: { dir: string; remove: () => Promise<void> };
const executors: Executor[] = [];
before(async () => {
  root = await tempDir('runner');
});
after(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await root.remove();
});

function localExecutor(extra: Partial<HostSpec> = {}): Executor {
  const executor = createExecutor({
    name: 'local',
    kind: 'local',
    workdir: path.join(root.dir, 'work'),
    slots: 2,
    ...extra,
  });
  executors.push(executor);
  return executor;
}

/**
 * Shell lines that make the runs with TUPLET_INDEX 0 and 1 wait for each other (up to 30 s):
 * placed after a run records its start, they prove two slots used at once however loaded the
 * machine, and one slot shows as no overlap once the wait times out.
 */
function meetingOfFirstTwo(meeting: string): string {
  return [
    `if [ "$TUPLET_INDEX" -lt 2 ]; then touch ${meeting}.$TUPLET_INDEX`,
    `  for _ in $(seq 300); do [ -e ${meeting}.0 ] && [ -e ${meeting}.1 ] && break; sleep 0.1; done`,
    'fi',
  ].join('\n');
}

/** PIDs of processes whose command line contains `needle`. */
function processesWith(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

void describe('local executor', { concurrency: true }, () => {
  void test('runs a sweep end to end; hostile values reach the program as text', async () => {
    const executor = localExecutor();
    const pwned = path.join(root.dir, 'pwned');
    const ini = `[model]\nmode = "$(touch ${pwned})" "; rm -rf ~" plain\nsize = 1 2\n`;
    const command = [
      'grep "^mode" "$TUPLET_CONFIG" > seen.txt',
      'printf "%s %s %s\\n" "$TUPLET_SERIES" "$TUPLET_INDEX" "$PWD" > env.txt',
      'printf \'{"size": %s}\\n\' "$(sed -n "s/^size = //p" config.ini)" > metrics.json',
      'echo to-stderr >&2',
      '[ "$TUPLET_INDEX" != 3 ]',
    ].join('\n');
    const series = seriesSpec('e2e', ini, command, { count: 6 });
    const { seriesDir } = await executor.stageSeries(series);
    assert.equal(seriesDir, path.join(root.dir, 'work', 'e2e'));
    const chunk = wholeChunk(6);
    await executor.stageChunk(series, chunk);

    const first = await executor.submit(series, chunk);
    const again = await executor.submit(series, chunk);
    assert.equal(first.reused, false);
    assert.deepEqual(again, { jobId: first.jobId, reused: true }, 'a retried submit finds the live runner');

    const states = await pollUntilDone(executor, series, { ...chunk, jobId: first.jobId }, 6);
    assert.deepEqual(
      [...states.values()].sort((a, b) => a.index - b.index).map((c) => [c.index, c.state, c.exitCode]),
      [0, 1, 2, 3, 4, 5].map((i) => [i, i === 3 ? 'failed' : 'succeeded', i === 3 ? 1 : 0]),
    );
    assert.ok(states.get(0)!.startedAt && states.get(0)!.endedAt);
    assert.equal(existsSync(pwned), false, 'the $(…) value was never executed');
    assert.equal(
      (await executor.submit(series, chunk)).reused,
      true,
      'a finished chunk is not started again',
    );

    const storage = path.join(root.dir, 'storage');
    const collected = await executor.collect(series, chunk, storage);
    assert.equal(collected.runs, 6);
    const dirs = (await readdir(path.join(storage, 'e2e', 'runs'))).sort();
    assert.equal(dirs.length, 6);
    const run0 = path.join(storage, 'e2e', 'runs', dirs[0]!);
    assert.equal(await readFile(path.join(run0, 'seen.txt'), 'utf8'), `mode = "$(touch ${pwned})"\n`);
    assert.equal(
      await readFile(path.join(run0, 'env.txt'), 'utf8'),
      `e2e 0 ${path.join(seriesDir, 'runs', dirs[0]!)}\n`,
    );
    assert.deepEqual(JSON.parse(await readFile(path.join(run0, 'metrics.json'), 'utf8')), { size: 1 });
    assert.equal(await readFile(path.join(run0, '.tuplet', 'stderr'), 'utf8'), 'to-stderr\n');
    // The last parameter varies fastest: tuple 2 is the second mode with the first size.
    const run2 = path.join(storage, 'e2e', 'runs', dirs[2]!);
    assert.equal(await readFile(path.join(run2, 'seen.txt'), 'utf8'), 'mode = "; rm -rf ~"\n');
    assert.match(await readFile(path.join(seriesDir, 'tuples.tsv'), 'utf8'), /^0\t0_mode=/);
  });

  // The meeting tests have a host (workdir, so pool) of their own: on the host the other tests
  // share, one's waiting first run and the other's would hold both slots while waiting.
  void test('never runs more than `slots` at once, and uses them', async () => {
    const executor = localExecutor({ slots: 2, workdir: path.join(root.dir, 'slots-host') });
    const log = path.join(root.dir, 'slots.log');
    const meeting = meetingOfFirstTwo(path.join(root.dir, 'slots.meet'));
    const command = `s=$(date +%s.%N)\n${meeting}\nsleep 0.3; echo "$s $(date +%s.%N)" >> ${log}`;
    const series = seriesSpec('slots', 'i = 1...1...8\n', command);
    await runWholeSeries(executor, series, 8);
    const spans = await readSpans(log);
    assert.equal(spans.length, 8);
    assert.equal(maxOverlap(spans), 2);
  });

  void test('gives each GPU slot its own CUDA_VISIBLE_DEVICES', async () => {
    const executor = localExecutor({ slots: undefined, gpus: 2, workdir: path.join(root.dir, 'gpus-host') });
    const log = path.join(root.dir, 'gpus.log');
    const meeting = meetingOfFirstTwo(path.join(root.dir, 'gpus.meet'));
    const command = `s=$(date +%s.%N)\n${meeting}\nsleep 0.2; echo "$s $(date +%s.%N) $CUDA_VISIBLE_DEVICES" >> ${log}`;
    const series = seriesSpec('gpus', 'i = 1...1...8\n', command);
    await runWholeSeries(executor, series, 8);
    const spans = await readSpans(log);
    assert.equal(spans.length, 8);
    assert.deepEqual(new Set(spans.map((s) => s.labels[0])), new Set(['0', '1']));
    assert.equal(maxOverlap(spans), 2, 'one run per GPU');
    for (const device of ['0', '1']) {
      assert.equal(maxOverlap(spans.filter((s) => s.labels[0] === device)), 1, `GPU ${device} never shared`);
    }
  });

  void test('cancel kills the runner and every run process group, leaving no process', async (t) => {
    const executor = localExecutor({ slots: 2 });
    // The program ignores TERM and leaves a child behind: only killing the group stops it.
    const command = `trap '' TERM; sleep 31.4159 & sleep 31.4159; wait`;
    const series = seriesSpec('cancel', 'i = 1...1...5\n', command);
    // A failed assertion must not leave the runner starting 31 s sleeps for the next tests.
    t.after(() => executor.cancel(series, []));
    const { seriesDir } = await executor.stageSeries(series);
    const chunk = wholeChunk(5);
    await executor.stageChunk(series, chunk);
    await executor.submit(series, chunk);
    await pollUntilDone(executor, series, chunk, 5, {
      onPoll: (states) => [...states.values()].filter((c) => c.state === 'running').length === 2,
    });
    // "running" is reported when the run starts; its program's processes follow a moment later.
    // (Only the sleeps themselves: each run's `bash -c` shows the command's text too.)
    const sleepers = () => processesWith('sleep 31.4159').filter((line) => /^\s*\d+ sleep /.test(line));
    await waitFor(() => sleepers().length >= 4, {
      what: "the two running runs' four sleep processes",
      timeoutMs: 10_000,
      lastSeen: sleepers,
    });
    assert.equal(sleepers().length, 4);
    await executor.cancel(series, []);
    assert.deepEqual(processesWith('sleep 31.4159'), []);
    assert.deepEqual(processesWith(seriesDir), []);
    const poll = await executor.poll(series, { chunks: [chunk] });
    assert.deepEqual(poll.aliveJobs, []);
    await assert.rejects(executor.submit(series, chunk), { name: 'ChunkCancelledError' });
  });

  void test('a runner killed with SIGKILL and started again runs no tuple twice', async () => {
    const executor = localExecutor({ slots: 2 });
    const log = path.join(root.dir, 'starts.log');
    const command = `echo "$TUPLET_INDEX" >> ${log}; sleep 0.5`;
    const series = seriesSpec('restart', 'i = 1...1...6\n', command);
    await executor.stageSeries(series);
    const chunk = wholeChunk(6);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    await pollUntilDone(executor, series, chunk, 6, {
      onPoll: (states) => [...states.values()].some((c) => c.state === 'running'),
    });
    const runnerPid = Number(jobId.split('-')[3]);
    process.kill(runnerPid, 'SIGKILL');
    // The kill is delivered asynchronously: wait until the poll sees the runner gone.
    let alive: string[] = [];
    await waitFor(
      async () => {
        alive = (await executor.poll(series, { chunks: [chunk] })).aliveJobs;
        return alive.length === 0;
      },
      {
        what: `the poll to report runner ${jobId} gone after SIGKILL`,
        timeoutMs: 10_000,
        lastSeen: () => alive,
      },
    );

    const restarted = await executor.submit(series, chunk);
    assert.equal(restarted.reused, false);
    assert.notEqual(restarted.jobId, jobId);
    const states = await pollUntilDone(executor, series, chunk, 6);
    assert.deepEqual(
      [...states.values()].map((c) => c.state),
      Array(6).fill('succeeded'),
    );
    const starts = (await readFile(log, 'utf8')).trim().split('\n').sort();
    assert.deepEqual(starts, ['0', '1', '2', '3', '4', '5'], 'each tuple started exactly once');
  });

  void test('a run whose wrapper died with its runner is reported failed, LOST, and not run again', async () => {
    const executor = localExecutor({ slots: 1 });
    const log = path.join(root.dir, 'lost.log');
    // Tuple 0 runs long enough to be caught running, whatever the machine's load.
    const command = `echo "$TUPLET_INDEX" >> ${log}; if [ "$TUPLET_INDEX" = 0 ]; then sleep 30; fi`;
    const series = seriesSpec('lost', 'i = 1...1...3\n', command);
    const { seriesDir } = await executor.stageSeries(series);
    const chunk = wholeChunk(3);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    await pollUntilDone(executor, series, chunk, 3, { onPoll: (s) => s.get(0)?.state === 'running' });
    process.kill(Number(jobId.split('-')[3]), 'SIGKILL');
    // The machine "crashes" under the run too: its whole process group dies without an exit file.
    const [active] = await readdir(path.join(seriesDir, '.tuplet', 'active'));
    process.kill(-Number(active!.split('-')[1]), 'SIGKILL');
    await executor.submit(series, chunk);
    const states = await pollUntilDone(executor, series, chunk, 3);
    assert.deepEqual(states.get(0), { ...states.get(0), state: 'failed', exitCode: null, reason: 'LOST' });
    assert.equal(states.get(1)?.state, 'succeeded');
    assert.equal(states.get(2)?.state, 'succeeded');
    assert.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), ['0', '1', '2']);
  });

  void test('setup runs once in the series directory; a failed setup reports its output', async () => {
    const executor = localExecutor();
    const counter = path.join(root.dir, 'setup.count');
    const series = seriesSpec('setup', 'x = 1 2\n', 'true', {
      setup: `echo built >> ${counter}; pwd; ls tuples.tsv`,
    });
    const { seriesDir } = await executor.stageSeries(series);
    assert.deepEqual(await executor.setup(series), { exitCode: 0, outputTail: `${seriesDir}\ntuples.tsv\n` });
    assert.equal((await executor.setup(series)).exitCode, 0);
    assert.equal(await readFile(counter, 'utf8'), 'built\n', 'a setup that succeeded is not run again');

    const broken = seriesSpec('setup-broken', 'x = 1 2\n', 'true', {
      setup: 'echo compiling; echo "error: no compiler" >&2; exit 4',
    });
    await executor.stageSeries(broken);
    assert.deepEqual(await executor.setup(broken), {
      exitCode: 4,
      outputTail: 'compiling\nerror: no compiler\n',
    });
  });

  void test("runs and setup see the allowlist, the application's and the host's variables as text, nothing else", async () => {
    const executor = localExecutor({ env: { SHARED: 'from the host', HOST_ONLY: '$(touch pwned)' } });
    const series = seriesSpec('env', 'x = 1\n', 'env > run-env.txt', {
      count: 1,
      setup: 'env > setup-env.txt',
      env: { SHARED: 'from the application', APP_ONLY: "it's\ntwo lines" },
    });
    const { seriesDir } = await executor.stageSeries(series);
    assert.equal((await executor.setup(series)).exitCode, 0);
    const chunk = wholeChunk(1);
    await executor.stageChunk(series, chunk);
    await executor.submit(series, chunk);
    await pollUntilDone(executor, series, chunk, 1);
    const [dir] = await readdir(path.join(seriesDir, 'runs'));
    const runEnv = await readFile(path.join(seriesDir, 'runs', dir!, 'run-env.txt'), 'utf8');
    const setupEnv = await readFile(path.join(seriesDir, 'setup-env.txt'), 'utf8');
    for (const text of [runEnv, setupEnv]) {
      assert.match(text, /^SHARED=from the host$/m, "the host's value wins");
      assert.match(text, /^HOST_ONLY=\$\(touch pwned\)$/m);
      assert.match(text, /^APP_ONLY=it's\ntwo lines$/m);
      const names = text.split('\n').flatMap((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1] ?? []);
      const foreign = names.filter(
        (n) =>
          !/^(PATH|HOME|USER|LOGNAME|LANG|LC_\w+|TZ|TMPDIR|PWD|OLDPWD|SHLVL|_|SHARED|HOST_ONLY|APP_ONLY|TUPLET_(SERIES|INDEX|DIR|CONFIG))$/.test(
            n,
          ),
      );
      assert.deepEqual(foreign, [], text);
    }
    assert.match(runEnv, /^TUPLET_INDEX=0$/m);
    assert.equal(existsSync(path.join(seriesDir, 'pwned')), false);
    assert.equal(existsSync(path.join(seriesDir, 'runs', dir!, 'pwned')), false);

    const reserved = seriesSpec('env-reserved', 'x = 1\n', 'true', { env: { TUPLET_INDEX: '7' } });
    await executor.stageSeries(reserved);
    await assert.rejects(executor.submit(reserved, wholeChunk(1)), {
      name: 'HostInputError',
      message: /the application: environment variable TUPLET_INDEX: .*set by Tuplet/,
    });
  });

  void test('runUser is for local hosts only', () => {
    assert.throws(
      () =>
        createExecutor({
          name: 'ws',
          kind: 'ssh',
          address: '127.0.0.1',
          workdir: '/tmp',
          runUser: 'nobody',
        }),
      { name: 'HostInputError', message: /runUser is for local hosts/ },
    );
  });

  void test('one poll of two series answers each with its own runs; a missing series fails alone', async () => {
    const executor = localExecutor({ slots: 2 });
    const [one, two] = [
      seriesSpec('many-1', 'i = 1 2\n', 'true'),
      seriesSpec('many-2', 'i = 1 2 3\n', 'true'),
    ];
    const submitted = [];
    for (const [series, n] of [
      [one, 2],
      [two, 3],
    ] as const) {
      await executor.stageSeries(series);
      await executor.stageChunk(series, wholeChunk(n));
      const { jobId } = await executor.submit(series, wholeChunk(n));
      await pollUntilDone(executor, series, { ...wholeChunk(n), jobId }, n);
      submitted.push({ series, request: { chunks: [{ ...wholeChunk(n), jobId }] } });
    }
    const [first, second, missing] = await executor.pollMany([
      ...submitted,
      { series: seriesSpec('many-never', 'i = 1\n', 'true'), request: { chunks: [wholeChunk(1)] } },
    ]);
    const indices = (result: unknown) => {
      assert.ok(result && !(result instanceof Error), String(result));
      return (result as PollResult).changes.map((c) => `${c.index}:${c.state}`).sort();
    };
    assert.deepEqual(indices(first), ['0:succeeded', '1:succeeded']);
    assert.deepEqual(indices(second), ['0:succeeded', '1:succeeded', '2:succeeded']);
    assert.ok(missing instanceof Error && missing.name === 'SeriesDirMissingError', String(missing));
  });

  void test('a rerun runs only the given indices, as a new attempt', async () => {
    const executor = localExecutor({ slots: 2 });
    const log = path.join(root.dir, 'rerun.log');
    const fixed = path.join(root.dir, 'fixed');
    const command = `echo "$TUPLET_INDEX" >> ${log}; [ "$TUPLET_INDEX" != 2 ] || [ -f ${fixed} ]`;
    const series = seriesSpec('rerun', 'i = 1...1...4\n', command);
    const { chunk, states: first } = await runWholeSeries(executor, series, 4);
    assert.equal(first.get(2)?.state, 'failed');

    await writeFile(fixed, '');
    const rerun = { ...chunk, attempt: 2, ranges: [[2, 3]] as Array<[number, number]> };
    await executor.submit(series, rerun);
    const second = await pollUntilDone(executor, series, rerun, 1);
    assert.deepEqual([...second.keys()], [2], 'only the rerun index is reported for attempt 2');
    assert.equal(second.get(2)?.state, 'succeeded');
    assert.deepEqual((await readFile(log, 'utf8')).trim().split('\n').sort(), ['0', '1', '2', '2', '3']);
  });
});
