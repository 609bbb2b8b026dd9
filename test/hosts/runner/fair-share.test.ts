// Fair share and maxRunning quotas in the host's pool (hosts/runner/lib/pool.sh,
// docs/fair-share.md, docs/quotas.md), with real runners on the local transport. Every claim is
// read from the runs' own start and end times (`date +%s.%N`), never from how long a test took.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Executor, HostSpec, SeriesSpec } from '../../../hosts/executor.ts';
import { createExecutor } from '../../../hosts/index.ts';
import { waitFor } from '../../support/wait.ts';
import type { wholeChunk } from '../helpers.ts';
import { pollUntilDone, seriesSpec, tempDir } from '../helpers.ts';
import { registered, start } from './runners.ts';
import { maxOverlap, readSpans, type Span } from './spans.ts';

let root: { dir: string; remove: () => Promise<void> };
const executors: Executor[] = [];
before(async () => {
  root = await tempDir('fair-share');
});
after(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await root.remove();
});

function localHost(workdir: string, extra: Partial<HostSpec> = {}): Executor {
  const executor = createExecutor({ name: 'ws', kind: 'local', workdir, ...extra });
  executors.push(executor);
  return executor;
}

/** Appends `START END SERIES` to `log`; waits for `gate` first when given. */
function recordingCommand(log: string, gate?: string, nap = '0.1'): string {
  const wait = gate ? `while [ ! -e ${gate} ]; do sleep 0.05; done; ` : '';
  return `s=$(date +%s.%N); ${wait}sleep ${nap}; echo "$s $(date +%s.%N) $TUPLET_SERIES" >> ${log}`;
}

/** Until every run of the chunk is final (a loaded machine may take its time). */
const ended = (host: Executor, series: SeriesSpec, chunk: ReturnType<typeof wholeChunk>, runs: number) =>
  pollUntilDone(host, series, chunk, runs, { timeoutMs: 180_000 });

const ofSeries = (spans: Span[], id: string) => spans.filter((s) => s.labels[0] === id);

/** Runs of `spans` that started within [from, to]. */
const startedWithin = (spans: Span[], from: number, to: number) =>
  spans.filter((s) => s.start >= from && s.start <= to).length;

void describe('fair share and quotas in the pool', { concurrency: true }, () => {
  void test("users share a host's units by their groups' weights, not by who came first", async () => {
    const workdir = path.join(root.dir, 'weights');
    const log = path.join(root.dir, 'weights.log');
    const go = path.join(root.dir, 'weights.go');
    const host = localHost(workdir, { slots: 4 });
    // A came first and holds all four units; B's group weighs three times A's.
    // Runs long enough that a runner keeps three units busy on a loaded machine.
    const a = seriesSpec('weights-a', 'i = 1...1...40\n', recordingCommand(log, go, '0.3'), {
      fairShare: { user: 'usera', weight: 1, rank: 1 },
    });
    const b = seriesSpec('weights-b', 'i = 1...1...40\n', recordingCommand(log, go, '0.3'), {
      fairShare: { user: 'userb', weight: 3, rank: 1 },
    });
    const chunkA = await start(host, a, 40);
    await registered(workdir, chunkA.runnerPid);
    const chunkB = await start(host, b, 40);
    await registered(workdir, chunkB.runnerPid);
    await writeFile(go, '');
    await Promise.all([ended(host, a, chunkA, 40), ended(host, b, chunkB, 40)]);

    const spans = await readSpans(log);
    assert.equal(maxOverlap(spans), 4);
    // While both competed (from B's first start to its last), B started about three runs for
    // each of A's; first come, first served would have started none of B's, an even split as many.
    const [runsA, runsB] = [ofSeries(spans, 'weights-a'), ofSeries(spans, 'weights-b')];
    const lastStartB = Math.max(...runsB.map((s) => s.start));
    const from = Math.min(...runsB.map((s) => s.start));
    const [countA, countB] = [startedWithin(runsA, from, lastStartB), startedWithin(runsB, from, lastStartB)];
    assert.ok(
      countB >= 2 * countA,
      `B started ${countB} runs while A started ${countA}: not weighted 3 to 1`,
    );
  });

  void test("a user's high-priority series takes the user's units before their low-priority one", async () => {
    const workdir = path.join(root.dir, 'priority');
    const log = path.join(root.dir, 'priority.log');
    const go = path.join(root.dir, 'priority.go');
    const host = localHost(workdir, { slots: 2 });
    const low = seriesSpec('priority-low', 'i = 1...1...30\n', recordingCommand(log, go), {
      fairShare: { user: 'usera', weight: 1, rank: 0 },
    });
    const high = seriesSpec('priority-high', 'i = 1...1...12\n', recordingCommand(log, go), {
      fairShare: { user: 'usera', weight: 1, rank: 2 },
    });
    const chunkLow = await start(host, low, 30);
    await registered(workdir, chunkLow.runnerPid);
    const chunkHigh = await start(host, high, 12);
    await registered(workdir, chunkHigh.runnerPid);
    await writeFile(go, '');
    await Promise.all([ended(host, low, chunkLow, 30), ended(host, high, chunkHigh, 12)]);

    const spans = await readSpans(log);
    const [runsLow, runsHigh] = [ofSeries(spans, 'priority-low'), ofSeries(spans, 'priority-high')];
    const firstHigh = Math.min(...runsHigh.map((s) => s.start));
    const lastHigh = Math.max(...runsHigh.map((s) => s.start));
    // First come, first served (or an even split) would start about as many low runs meanwhile.
    const lowMeanwhile = startedWithin(runsLow, firstHigh, lastHigh);
    assert.ok(lowMeanwhile < 6, `${lowMeanwhile} low-priority runs started among 12 high-priority ones`);
  });

  void test("a maxRunning quota holds across a user's series and says why they wait; others use the rest of the host", async () => {
    const workdir = path.join(root.dir, 'quota');
    const log = path.join(root.dir, 'quota.log');
    const go = path.join(root.dir, 'quota.go');
    const host = localHost(workdir, { slots: 4 });
    const reason = 'user quota: 2 running on host ws (maxRunning of user alice on host ws)';
    const quota = { runningQuota: { key: 'q-alice', limit: 2, reason } };
    const share = (user: string) => ({ fairShare: { user, weight: 1, rank: 1 as const } });
    const first = seriesSpec('quota-first', 'i = 1...1...6\n', recordingCommand(log, go), {
      ...quota,
      ...share('alice'),
    });
    const second = seriesSpec('quota-second', 'i = 1...1...6\n', recordingCommand(log, go), {
      ...quota,
      ...share('alice'),
    });
    const other = seriesSpec('quota-other', 'i = 1...1...6\n', recordingCommand(log, go), share('bob'));
    const chunkFirst = await start(host, first, 6);
    // Both of alice's quota units are taken by her first series' runs, which wait for `go`.
    await pollUntilDone(host, first, chunkFirst, 6, {
      onPoll: (states) => [...states.values()].filter((c) => c.state === 'running').length >= 2,
    });
    const chunkSecond = await start(host, second, 6);
    await waitFor(async () => (await host.poll(second, { chunks: [chunkSecond] })).held === reason, {
      what: "alice's second series to say that her quota holds it",
      timeoutMs: 15_000,
    });
    const chunkOther = await start(host, other, 6);
    await writeFile(go, '');
    await Promise.all([
      ended(host, first, chunkFirst, 6),
      ended(host, second, chunkSecond, 6),
      ended(host, other, chunkOther, 6),
    ]);
    const after = await host.poll(second, { chunks: [chunkSecond] });
    assert.equal(after.held, undefined, 'no reason once the series ran');

    const spans = await readSpans(log);
    assert.equal(spans.length, 18);
    const alices = spans.filter((s) => s.labels[0] !== 'quota-other');
    assert.equal(maxOverlap(alices), 2, "alice's two series together never ran more than 2 at once");
    assert.ok(maxOverlap(spans) > 2, "bob's runs used the host units alice's quota left free");
    assert.ok(maxOverlap(spans) <= 4);
  });
});
