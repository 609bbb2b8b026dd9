// The series' progress tally without Temporal: runs move from pending to in flight to their final
// states as chunks start and end, the sum survives continue-as-new, and what a version of the
// workflow before the tally left behind (chunk results without counts, a resumed input without
// a tally) is reported untracked, never as a state it may not have.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planChunks, type PlannedChunk } from '../../workflows/plan.ts';
import { chunkFinalCounts, noRuns, SeriesTally } from '../../workflows/progress.ts';
import type { RunStateCounts, SeriesProgress, SeriesWorkflowInput } from '../../workflows/shared.ts';

/** Every run of the progress is somewhere: counted by state, in flight or untracked. */
function accounted(progress: SeriesProgress): number {
  return Object.values(progress.counts).reduce((a, b) => a + b, 0) + progress.inFlight + progress.untracked;
}

/** A tally past loading and planning: `count` runs in chunks of `chunkSize`. */
function started(input: SeriesWorkflowInput, count: number, chunkSize: number) {
  const tally = new SeriesTally(input);
  tally.loaded(count);
  const chunks = planChunks(input.rerun?.ranges ?? [[0, count]], chunkSize, !input.rerun);
  tally.planned(chunks, input.resumeAtChunk ?? 0);
  return { tally, chunks };
}

/** A chunk's result with these runs by state. */
const ended = (counts: Partial<RunStateCounts>) => ({ remaining: 0, counts: { ...noRuns(), ...counts } });

describe('chunkFinalCounts', () => {
  test('a chunk whose runs all ended reports its last poll as it is', () => {
    const last = { ...noRuns(), succeeded: 3, failed: 1 };
    assert.deepEqual(chunkFinalCounts(last, false), last);
  });

  test('runs given up as LOST after the last poll are reported failed', () => {
    const last = { ...noRuns(), succeeded: 1, queued: 1, running: 2, pending: 1, cancelled: 1 };
    assert.deepEqual(chunkFinalCounts(last, true), { ...noRuns(), succeeded: 1, failed: 4, cancelled: 1 });
  });

  test('a last poll recorded before polls counted states reports nothing', () => {
    assert.equal(chunkFinalCounts(undefined, true), undefined);
    assert.equal(chunkFinalCounts(undefined, false), undefined);
  });
});

describe('SeriesTally', () => {
  test('before loading it says so and counts nothing', () => {
    const { progress } = new SeriesTally({ seriesId: 's' });
    assert.deepEqual(progress, {
      loaded: false,
      state: 'staging',
      count: 0,
      chunksTotal: 0,
      chunksDone: 0,
      counts: noRuns(),
      inFlight: 0,
      untracked: 0,
    });
    assert.equal(new SeriesTally({ seriesId: 's', resumeAtChunk: 3 }).progress.state, 'running');
  });

  test('runs go from pending to in flight to the states their chunk reports', () => {
    const { tally, chunks } = started({ seriesId: 's' }, 10, 4);
    const [a, b, c] = chunks as [PlannedChunk, PlannedChunk, PlannedChunk];
    const { progress } = tally;
    assert.deepEqual([progress.count, progress.chunksTotal, progress.counts.pending], [10, 3, 10]);

    tally.chunkStarted(a);
    tally.chunkStarted(b);
    assert.deepEqual([progress.counts.pending, progress.inFlight], [2, 8]);
    tally.chunkEnded(b, ended({ succeeded: 3, failed: 1 }));
    assert.deepEqual(progress.counts, { ...noRuns(), pending: 2, succeeded: 3, failed: 1 });
    assert.deepEqual([progress.inFlight, progress.chunksDone, accounted(progress)], [4, 1, 10]);

    tally.chunkStarted(c);
    tally.chunkEnded(a, ended({ succeeded: 4 }));
    tally.chunkEnded(c, ended({ cancelled: 2 }));
    assert.deepEqual(progress.counts, { ...noRuns(), succeeded: 7, failed: 1, cancelled: 2 });
    assert.deepEqual([progress.inFlight, progress.untracked, progress.chunksDone], [0, 0, 3]);
  });

  test('a chunk that ended without counts leaves its runs untracked', () => {
    const { tally, chunks } = started({ seriesId: 's' }, 4, 2);
    tally.chunkStarted(chunks[0]!);
    tally.chunkEnded(chunks[0]!, { remaining: 0 });
    assert.deepEqual([tally.progress.counts.pending, tally.progress.untracked], [2, 2]);
    assert.equal(accounted(tally.progress), 4);
  });

  test('the tally carried across continue-as-new goes on where it stopped', () => {
    const { tally, chunks } = started({ seriesId: 's' }, 6, 2);
    for (const chunk of chunks.slice(0, 2)) tally.chunkStarted(chunk);
    tally.chunkEnded(chunks[0]!, ended({ succeeded: 2 }));
    tally.chunkEnded(chunks[1]!, { remaining: 0 });
    const carried = tally.carry();

    const next = started({ seriesId: 's', resumeAtChunk: 2, tally: carried }, 6, 2).tally.progress;
    assert.deepEqual(next.counts, { ...noRuns(), pending: 2, succeeded: 2 });
    assert.deepEqual([next.untracked, next.chunksDone, next.inFlight], [2, 2, 0]);
  });

  test('a run resumed from an input without a tally leaves the chunks before it untracked', () => {
    const { progress } = started({ seriesId: 's', resumeAtChunk: 2 }, 5, 2).tally;
    assert.deepEqual(progress.counts, { ...noRuns(), pending: 1 });
    assert.deepEqual([progress.untracked, progress.chunksDone], [4, 2]);
  });

  test('a rerun follows the runs it repeats and leaves the others untracked', () => {
    const input: SeriesWorkflowInput = {
      seriesId: 's',
      rerun: {
        attempt: 2,
        ranges: [
          [1, 3],
          [7, 8],
        ],
      },
    };
    const { progress } = started(input, 10, 2).tally;
    assert.deepEqual([progress.counts.pending, progress.untracked, progress.chunksTotal], [3, 7, 2]);
  });

  test('a cancel cancels the runs of chunks never started and leaves those in flight as they are', () => {
    const { tally, chunks } = started({ seriesId: 's' }, 6, 2);
    tally.chunkStarted(chunks[0]!);
    tally.cancelled();
    assert.equal(tally.progress.state, 'cancelled');
    assert.deepEqual(tally.progress.counts, { ...noRuns(), cancelled: 4 });
    assert.equal(tally.progress.inFlight, 2);
  });
});
