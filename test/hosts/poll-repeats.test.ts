// A poll leaves out the changes the workflow already has (activities/host/poll-repeats.ts), and
// only when the cursor it carries proves it: checked on answers made up here, then through the
// host worker's activities on the real local runner, where every poll rescans a window of runs.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHostActivities } from '../../activities/host/index.ts';
import { RepeatFilter, splitCursor } from '../../activities/host/poll-repeats.ts';
import type { HostSpec, PollRequest, PollResult, RunChange } from '../../hosts/executor.ts';
import { createExecutor } from '../../hosts/index.ts';
import { createLogger } from '../../log.ts';
import { hostCapabilities } from '../../workers/capabilities.ts';
import { waitFor } from '../support/wait.ts';
import { seriesSpec, tempDir, wholeChunk } from './helpers.ts';

const chunk = wholeChunk(3);
const running = (index: number): RunChange => ({
  index,
  state: 'running',
  startedAt: '2026-12-01T00:00:00.000Z',
});
const succeeded = (index: number): RunChange => ({
  ...running(index),
  state: 'succeeded',
  exitCode: 0,
  endedAt: '2026-12-01T00:00:01.000Z',
});
const answer = (cursor: string, changes: RunChange[]): PollResult => ({
  cursor,
  changes,
  truncated: false,
  aliveJobs: ['1'],
});
const request = (cursor?: string, attempt = 1): PollRequest => ({
  chunks: [{ ...chunk, attempt }],
  ...(cursor === undefined ? {} : { cursor }),
});

describe('repeats left out of a poll', () => {
  test('only what the answer named by the cursor (and those before it) reported, in that form', () => {
    const filter = new RepeatFilter();
    const first = filter.answer('s', request(), answer('1000', [running(0), running(1)]));
    assert.deepEqual(first.changes, [running(0), running(1)], 'no cursor: everything');
    const { host, token } = splitCursor(first.cursor);
    assert.equal(host, '1000');
    assert.ok(token, 'the answer carries a token');

    assert.deepEqual(
      filter.hostRequest(request(first.cursor)).cursor,
      '1000',
      'the executor reads its own cursor',
    );
    const second = filter.answer(
      's',
      request(first.cursor),
      answer('1000', [running(0), succeeded(1), running(2)]),
    );
    assert.deepEqual(
      second.changes,
      [succeeded(1), running(2)],
      'a run reported again unchanged is left out',
    );
    assert.notEqual(second.cursor, first.cursor, 'a new token even when the host cursor is the same');

    const third = filter.answer(
      's',
      request(second.cursor),
      answer('1001', [running(0), succeeded(1), running(2)]),
    );
    assert.deepEqual(third.changes, [], 'everything the two answers before it held');

    // The answer to `third` was lost: the workflow polls again with the cursor it has.
    const retried = filter.answer(
      's',
      request(second.cursor),
      answer('1001', [running(0), succeeded(1), running(2)]),
    );
    assert.deepEqual(retried.changes, [running(0), succeeded(1), running(2)], 'no proof: everything again');
  });

  test('no token, another chunk attempt, another series: nothing is left out', () => {
    const filter = new RepeatFilter();
    const first = filter.answer('s', request(), answer('1000', [running(0)]));
    const old = filter.answer('s', request('1000'), answer('1000', [running(0)]));
    assert.deepEqual(old.changes, [running(0)], 'a cursor from before tokens');
    assert.equal(filter.hostRequest(request('1000')).cursor, '1000');
    const other = filter.answer('t', request(first.cursor), answer('1000', [running(0)]));
    assert.deepEqual(other.changes, [running(0)], 'the token of another series');
    const rerun = filter.answer('s', request(old.cursor, 2), answer('1000', [running(0)]));
    assert.deepEqual(rerun.changes, [running(0)], "another attempt's chunk");
  });

  test("a run's entry goes once no scan can report it again", () => {
    const filter = new RepeatFilter();
    const first = filter.answer('s', request(), answer('1000', [running(0)]));
    // Its files are at most 1002 (+1 for whole seconds): a scan from 1010 does not see them.
    const later = filter.answer('s', request(first.cursor), answer('1010', []));
    const again = filter.answer('s', request(later.cursor), answer('1011', [running(0)]));
    assert.deepEqual(again.changes, [running(0)], 'forgotten, so reported');
  });
});

describe('repeats left out on the real local runner', () => {
  let root: { dir: string; remove: () => Promise<void> };
  before(async () => (root = await tempDir('poll-repeats')));
  after(() => root.remove());

  test('polled with its cursors, every run reported final exactly once; a retry gets them again', async () => {
    const host: HostSpec = { name: 'local', kind: 'local', workdir: path.join(root.dir, 'work'), slots: 2 };
    const handle = createHostActivities({
      storageDir: path.join(root.dir, 'storage'),
      createExecutor: (spec) => createExecutor(spec),
      capabilities: hostCapabilities,
      logger: createLogger('silent'),
    });
    const env = new MockActivityEnvironment();
    const n = 12;
    const series = seriesSpec('repeats', `i = 1...1...${n}\n`, 'sleep 0.1; echo $i > out.txt', { count: n });
    const whole = wholeChunk(n);
    try {
      const { activities } = handle;
      await env.run(() => activities.stageSeries(host, series));
      await env.run(() => activities.stageChunk(host, series, whole));
      const submitted = (await env.run(() => activities.submitChunk(host, series, whole))) as {
        jobId: string;
      };
      const { jobId } = submitted;
      const reported: RunChange[] = [];
      const cursors: string[] = [];
      let cursor: string | undefined;
      await waitFor(
        async () => {
          const result = await activities.pollChunks(host, series, {
            chunks: [{ ...whole, jobId }],
            ...(cursor === undefined ? {} : { cursor }),
          });
          cursors.push(result.cursor);
          cursor = result.cursor;
          reported.push(...result.changes);
          const final = new Set(reported.filter((c) => c.state === 'succeeded').map((c) => c.index));
          return final.size === n && result.aliveJobs.length === 0 ? true : undefined;
        },
        { what: 'every run reported succeeded', timeoutMs: 30_000, intervalMs: 50 },
      );
      const finals = reported.filter((c) => c.state === 'succeeded').map((c) => c.index);
      assert.deepEqual(
        [...finals].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
        'each run reported succeeded once, none twice',
      );
      assert.ok(cursors.length > 2, `polled within the scan's overlap (${cursors.length} polls)`);
      // A poll retried with an earlier cursor, as after a lost answer: the runs come again.
      const retried = await activities.pollChunks(host, series, {
        chunks: [{ ...whole, jobId }],
        cursor: cursors[0],
      });
      assert.equal(retried.changes.filter((c) => c.state === 'succeeded').length, n);
    } finally {
      await handle.close();
    }
  });
});
