// How a poll's two sources — the exit-file scan and the runs the scheduler ended — become run
// changes. Pure: no cluster needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changesOf, type SeriesPollView } from '../../../hosts/slurm/executor.ts';
import type { EndedRun } from '../../../hosts/slurm/commands.ts';

const chunk = { chunkIndex: 0, offset: 0, length: 4, attempt: 1, jobId: '17' };

function view(ended: EndedRun[]): SeriesPollView {
  return {
    squeueCode: 0,
    squeue: [],
    seriesDir: '/series',
    jobs: [{ key: 'chunk-0.a1', jobId: '17' }],
    ended,
    scan: { hostNow: 0, runs: [], runners: [], missing: false },
  };
}

const endedRun = (index: number, state: string, exitCode?: number): EndedRun => ({
  key: 'chunk-0.a1',
  jobId: '17',
  task: index,
  index,
  state,
  endTime: '2026-11-30T08:00:00',
  ...(exitCode === undefined ? {} : { exitCode }),
});

test('a run the scheduler stopped has no exit code, whether or not the 143 of its TERM reached the exit file', () => {
  const changes = changesOf(
    view([endedRun(0, 'CANCELLED', 143), endedRun(1, 'CANCELLED'), endedRun(2, 'TIMEOUT', 143)]),
    { chunks: [chunk] },
  );
  assert.deepEqual(
    changes.map((c) => [c.index, c.state, c.reason, c.exitCode]),
    [
      [0, 'cancelled', 'CANCELLED', null],
      [1, 'cancelled', 'CANCELLED', null],
      [2, 'failed', 'TIMEOUT', null],
    ],
  );
});

test("a FAILED task's signal code is the run's own and is kept", () => {
  const [change] = changesOf(view([endedRun(3, 'FAILED', 139)]), { chunks: [chunk] });
  assert.deepEqual([change?.state, change?.reason, change?.exitCode], ['failed', 'FAILED', 139]);
});

test('a run of another attempt of the chunk is not reported', () => {
  const other = { ...endedRun(0, 'CANCELLED'), key: 'chunk-0.a2' };
  assert.deepEqual(changesOf(view([other]), { chunks: [chunk] }), []);
});
