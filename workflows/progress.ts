// The series workflow's answer to the progress query, kept up to date without an event per
// poll: each chunk child reports its runs' final states when it ends (its last poll counted
// them anyway), and the series adds them up as its children end and carries the sum across
// continue-as-new. Runs of chunks in flight are counted as such, not as any state. Pure and
// deterministic (no I/O), so it is unit-tested without Temporal (test/workflows/progress.test.ts).
import { rangesSize } from '../core/ranges.ts';
import { RUN_STATES, TERMINAL_RUN_STATES, unfinishedOf } from '../core/states.ts';
import type { PlannedChunk } from './plan.ts';
import type {
  ChunkWorkflowResult,
  EndedChunksTally,
  RunStateCounts,
  SeriesProgress,
  SeriesWorkflowInput,
} from './shared.ts';

export function noRuns(): RunStateCounts {
  return { pending: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
}

/**
 * What a chunk reports to its series when it ends: its runs by state as its last poll counted
 * them, with the runs it gave up (LOST, marked failed after that poll) counted failed.
 * Undefined when that poll's result was recorded before polls counted states.
 */
export function chunkFinalCounts(
  lastPoll: RunStateCounts | undefined,
  gaveUp: boolean,
): RunStateCounts | undefined {
  if (!lastPoll || !gaveUp) return lastPoll;
  const final = noRuns();
  for (const state of TERMINAL_RUN_STATES) final[state] = lastPoll[state];
  final.failed += unfinishedOf(lastPoll);
  return final;
}

/** The progress of one run of the series workflow; `progress` is what the query answers. */
export class SeriesTally {
  readonly progress: SeriesProgress;
  /** Runs of ended chunks that did not report their states (ended under an older `chunkWorkflow`). */
  private unreported = 0;

  constructor(private readonly input: SeriesWorkflowInput) {
    const fresh = !input.rerun && input.resumeAtChunk === undefined;
    this.progress = {
      loaded: false,
      state: fresh ? 'staging' : 'running',
      count: 0,
      chunksTotal: 0,
      chunksDone: input.resumeAtChunk ?? 0,
      counts: noRuns(),
      inFlight: 0,
      untracked: 0,
    };
  }

  /** The series is read: a rerun follows the runs it repeats, a reusing series those it runs; else all. */
  loaded(count: number): void {
    const only = this.input.rerun?.ranges ?? this.input.reuse?.ranges;
    const followed = only ? rangesSize(only) : count;
    const carried = this.input.tally;
    const progress = this.progress;
    progress.loaded = true;
    progress.count = count;
    progress.untracked = count - followed;
    progress.counts.pending = followed;
    if (carried) {
      for (const state of RUN_STATES) this.move('pending', state, carried.counts[state]);
      this.leaveUnreported(carried.unreported);
    }
  }

  /** The chunks are planned; this workflow run starts at chunk `first`. */
  planned(chunks: readonly PlannedChunk[], first: number): void {
    this.progress.chunksTotal = chunks.length;
    // A series continued as new by a version that did not carry its tally: the chunks it ran
    // ended without a word on their runs here.
    if (first > 0 && !this.input.tally) {
      this.leaveUnreported(chunks.slice(0, first).reduce((n, chunk) => n + chunk.size, 0));
    }
  }

  chunkStarted(chunk: PlannedChunk): void {
    this.progress.counts.pending -= chunk.size;
    this.progress.inFlight += chunk.size;
  }

  chunkEnded(chunk: PlannedChunk, result: ChunkWorkflowResult): void {
    const progress = this.progress;
    progress.inFlight -= chunk.size;
    progress.chunksDone++;
    if (result.counts) {
      for (const state of RUN_STATES) progress.counts[state] += result.counts[state];
    } else {
      this.unreported += chunk.size;
      progress.untracked += chunk.size;
    }
  }

  /** What the next run of the workflow starts from after continue-as-new (no chunk in flight then). */
  carry(): EndedChunksTally {
    return { counts: { ...this.progress.counts, pending: 0 }, unreported: this.unreported };
  }

  /** The series is recorded cancelled: the runs of chunks never started are cancelled with it. */
  cancelled(): void {
    this.progress.state = 'cancelled';
    this.move('pending', 'cancelled', this.progress.counts.pending);
  }

  private move(from: keyof RunStateCounts, to: keyof RunStateCounts, n: number): void {
    this.progress.counts[from] -= n;
    this.progress.counts[to] += n;
  }

  private leaveUnreported(n: number): void {
    this.progress.counts.pending -= n;
    this.unreported += n;
    this.progress.untracked += n;
  }
}
