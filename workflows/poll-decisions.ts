// What the chunk workflow's poll loop does after each poll, as a pure function of what it knew
// and what the poll answered: finish, give the runs up as LOST, poll again at once, or wait
// (back-off) — and whether to submit the job again first. Pure and deterministic, so it is
// tested without Temporal (test/workflows/poll-decisions.test.ts) and replays identically.
import type { ChunkWorkflowInput } from './shared.ts';

/**
 * A wait before a poll up to this long may happen in the host worker (pollChunks' `after`)
 * rather than as a workflow timer (workflows/chunk.ts, patch `chunk-end-polled-from-the-worker`).
 * Well under the poll activity's 30 s start-to-close.
 */
export const POLL_WAIT_IN_WORKER_MAX_MS = 5_000;

/**
 * A chunk is finishing when the runs it has left are no more than the last interval ended: at
 * that pace they end within the next one, and its end is worth seeing as soon as it comes.
 * `before` is the remaining count after the previous poll (undefined at the first). The chunk
 * workflow keeps it so once it was (the pace of the last few runs says little).
 */
export function isFinishing(before: number | undefined, remaining: number): boolean {
  return before !== undefined && remaining > 0 && remaining <= before - remaining;
}

export interface PollLimits {
  /** Interval after a poll that saw changes, and the first one. */
  pollMinMs: number;
  /** The back-off (doubling while nothing changes) stops here. */
  pollMaxMs: number;
  /** A job the host no longer knows, with runs still unfinished, is submitted again at most this often. */
  maxResubmits: number;
  /** Polls per workflow run before continuing as new, to keep the history well under 4,096 events. */
  pollsPerHistory: number;
}

export interface PollState {
  jobId: string;
  /** The host's cursor: the next poll returns only what changed since. */
  cursor: string | undefined;
  resubmits: number;
  /** Polls in a row that found the job gone with runs unfinished. */
  deadPolls: number;
  intervalMs: number;
  /** Polls in this workflow run (continue-as-new starts again from 0). */
  polls: number;
}

/** What one poll found, once its changes are recorded. */
export interface PollObservation {
  cursor: string | undefined;
  /** Runs of the chunk not yet final. */
  remaining: number;
  /** The host returned one page of changes of several: poll again at once. */
  truncated: boolean;
  /** The job (or runner) is still known to the host. */
  alive: boolean;
  /** The poll returned changes (a run started or ended). */
  changed: boolean;
}

export type PollDecision =
  /** Every run of the chunk is final: collect. */
  | { next: 'collect' }
  /** The job is gone again after the last resubmit: mark the unfinished runs LOST, then collect. */
  | { next: 'give-up' }
  /** Poll again: after submitting the job again when `resubmit`, and `intervalMs` after the last poll began. */
  | { next: 'poll'; resubmit: boolean; intervalMs: number };

export function initialPollState(
  jobId: string,
  resume: ChunkWorkflowInput['resume'],
  limits: PollLimits,
): PollState {
  return {
    jobId,
    cursor: resume?.cursor,
    resubmits: resume?.resubmits ?? 0,
    deadPolls: 0,
    intervalMs: limits.pollMinMs,
    polls: 0,
  };
}

/** True when this workflow run has polled enough: continue as new before the next poll. */
export function continuesAsNew(state: PollState, limits: PollLimits): boolean {
  return state.polls >= limits.pollsPerHistory;
}

/** What the next workflow run starts from after continue-as-new. */
export function resumeFrom(state: PollState): NonNullable<ChunkWorkflowInput['resume']> {
  return { jobId: state.jobId, cursor: state.cursor, resubmits: state.resubmits };
}

export function afterPoll(
  state: PollState,
  seen: PollObservation,
  limits: PollLimits,
): { state: PollState; decision: PollDecision } {
  const polled: PollState = { ...state, cursor: seen.cursor, polls: state.polls + 1 };
  if (seen.remaining === 0) return { state: polled, decision: { next: 'collect' } };
  if (seen.truncated) {
    return { state: polled, decision: { next: 'poll', resubmit: false, intervalMs: 0 } };
  }

  // The job or runner is gone but runs are unfinished: look twice (a run may have just
  // finished between the liveness check and the scan), then submit again — the host skips
  // runs that already started — and give up on the rest after a few tries.
  const deadPolls = seen.alive ? 0 : state.deadPolls + 1;
  // The second look scans every run again, not just what changed since the cursor.
  const cursor = deadPolls === 1 ? undefined : polled.cursor;
  const resubmit = deadPolls >= 2;
  if (resubmit && state.resubmits >= limits.maxResubmits) {
    return { state: { ...polled, deadPolls, cursor }, decision: { next: 'give-up' } };
  }
  const intervalMs = seen.changed ? limits.pollMinMs : Math.min(state.intervalMs * 2, limits.pollMaxMs);
  return {
    state: {
      ...polled,
      cursor,
      deadPolls: resubmit ? 0 : deadPolls,
      resubmits: resubmit ? state.resubmits + 1 : state.resubmits,
      intervalMs,
    },
    decision: { next: 'poll', resubmit, intervalMs },
  };
}
