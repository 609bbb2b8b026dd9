// The chunk workflow's poll decisions, without Temporal: back-off, dead polls, resubmits, LOST
// runs, truncated pages, continue-as-new, and when a chunk's end is near.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  afterPoll,
  continuesAsNew,
  initialPollState,
  isFinishing,
  resumeFrom,
  type PollLimits,
  type PollObservation,
  type PollState,
} from '../../workflows/poll-decisions.ts';

const limits: PollLimits = { pollMinMs: 1_000, pollMaxMs: 5_000, maxResubmits: 2, pollsPerHistory: 250 };
const quiet: PollObservation = { cursor: 'c', remaining: 3, truncated: false, alive: true, changed: false };
const start = initialPollState('job-1', undefined, limits);

/** Applies polls in order; returns every decision and the last state. */
function run(observations: PollObservation[], from: PollState = start) {
  let state = from;
  const decisions = observations.map((seen) => {
    const step = afterPoll(state, seen, limits);
    state = step.state;
    return step.decision;
  });
  return { state, decisions };
}

test('a fresh chunk starts at the shortest interval with no cursor; a resumed one where it left off', () => {
  assert.deepEqual(start, {
    jobId: 'job-1',
    cursor: undefined,
    resubmits: 0,
    deadPolls: 0,
    intervalMs: 1_000,
    polls: 0,
  });
  const resumed = initialPollState('job-7', { jobId: 'job-7', cursor: 'c9', resubmits: 1 }, limits);
  assert.deepEqual([resumed.jobId, resumed.cursor, resumed.resubmits, resumed.polls], ['job-7', 'c9', 1, 0]);
});

test('quiet polls double the interval up to the maximum; a change brings it back to the minimum', () => {
  const { decisions } = run([quiet, quiet, quiet, quiet, { ...quiet, changed: true }, quiet]);
  assert.deepEqual(
    decisions.map((d) => (d.next === 'poll' ? d.intervalMs : d.next)),
    [2_000, 4_000, 5_000, 5_000, 1_000, 2_000],
  );
});

test('no unfinished run left: collect, whatever else the poll says', () => {
  const { decisions } = run([{ ...quiet, remaining: 0, alive: false, truncated: true }]);
  assert.deepEqual(decisions, [{ next: 'collect' }]);
});

test('a truncated page is followed at once, without counting the job dead or backing off', () => {
  const { state, decisions } = run([{ ...quiet, truncated: true, alive: false, cursor: 'page-2' }]);
  assert.deepEqual(decisions, [{ next: 'poll', resubmit: false, intervalMs: 0 }]);
  assert.equal(state.deadPolls, 0);
  assert.equal(state.intervalMs, start.intervalMs);
  assert.equal(state.cursor, 'page-2');
});

test('the first dead poll drops the cursor (the next one scans every run); the second resubmits', () => {
  const dead = { ...quiet, alive: false };
  const first = afterPoll(start, dead, limits);
  assert.deepEqual(first.decision, { next: 'poll', resubmit: false, intervalMs: 2_000 });
  assert.equal(first.state.cursor, undefined);
  assert.equal(first.state.deadPolls, 1);
  const second = afterPoll(first.state, dead, limits);
  assert.deepEqual(second.decision, { next: 'poll', resubmit: true, intervalMs: 4_000 });
  assert.deepEqual([second.state.resubmits, second.state.deadPolls, second.state.cursor], [1, 0, 'c']);
});

test('a job seen alive again between two dead polls is not resubmitted', () => {
  const dead = { ...quiet, alive: false };
  const { decisions, state } = run([dead, quiet, dead]);
  assert.ok(decisions.every((d) => d.next === 'poll' && !d.resubmit));
  assert.equal(state.deadPolls, 1);
});

test('after the last resubmit, a job gone twice more gives its unfinished runs up as LOST', () => {
  const dead = { ...quiet, alive: false };
  const { decisions, state } = run([dead, dead, dead, dead, dead, dead]);
  assert.deepEqual(
    decisions.map((d) => (d.next === 'poll' ? (d.resubmit ? 'resubmit' : 'poll') : d.next)),
    ['poll', 'resubmit', 'poll', 'resubmit', 'poll', 'give-up'],
  );
  assert.equal(state.resubmits, limits.maxResubmits);
});

test('a chunk resumed after resubmits keeps counting them', () => {
  const resumed = initialPollState('job-3', { jobId: 'job-3', resubmits: 2 }, limits);
  const dead = { ...quiet, alive: false };
  assert.deepEqual(run([dead, dead], resumed).decisions.at(-1), { next: 'give-up' });
});

test('continues as new after pollsPerHistory polls, carrying job, cursor and resubmits', () => {
  let state = start;
  let polls = 0;
  while (!continuesAsNew(state, limits)) {
    state = afterPoll(state, { ...quiet, cursor: `c${polls}` }, limits).state;
    polls++;
  }
  assert.equal(polls, limits.pollsPerHistory);
  assert.deepEqual(resumeFrom(state), { jobId: 'job-1', cursor: `c${polls - 1}`, resubmits: 0 });
  const next = initialPollState(resumeFrom(state).jobId, resumeFrom(state), limits);
  assert.equal(continuesAsNew(next, limits), false);
});

test('a chunk is finishing once what it has left would end within one more interval at the last pace', () => {
  assert.equal(isFinishing(undefined, 10), false, 'the first poll has no pace');
  assert.equal(isFinishing(100, 60), false, '40 ended, 60 left');
  assert.equal(isFinishing(100, 50), true, '50 ended, 50 left');
  assert.equal(isFinishing(40, 3), true);
  assert.equal(isFinishing(5, 5), false, 'nothing ended');
  assert.equal(isFinishing(5, 0), false, 'nothing left: the chunk is collected, not polled');
});
