// The control activities' signatures (database side), importable as types by workflows.
import type { HostSpec, RunChange, SeriesSpec } from '../../hosts/executor.ts';
import type { IndexRange } from '../../core/ranges.ts';
import type { RunState, SeriesState } from '../../core/states.ts';
import type { PostprocessOutcome } from '../../db/postprocess.ts';

export interface SeriesPlan {
  spec: SeriesSpec;
  host: HostSpec;
  state: SeriesState;
  attempt: number;
  count: number;
  /**
   * A series over several hosts (docs/multi-host.md): every host, `host` first, each with its
   * own running quota. Absent for a series of one host (and from plans recorded before it).
   */
  hosts?: PlacedHost[];
}

/** One host of a multi-host series, with what of the spec differs per host. */
export interface PlacedHost {
  host: HostSpec;
  maxRunning?: number;
  runningQuota?: SeriesSpec['runningQuota'];
}

export interface ControlActivities {
  loadSeries(seriesId: string): Promise<SeriesPlan>;
  setSeriesState(seriesId: string, state: SeriesState, reason?: string): Promise<void>;
  /** Shows (or, with null, clears) why the scheduler holds a running series' jobs, as its reason. */
  noteSeriesHeld(seriesId: string, held: string | null): Promise<void>;
  /** Why a new series waits for a queue or storage quota (also its waitReason); null: it may start. */
  quotaHold(seriesId: string): Promise<string | null>;
  /** Inserts the run rows of the whole series (idempotent, batched, resumable). */
  createRuns(seriesId: string): Promise<number>;
  /** `host`: where the chunk was submitted, recorded on each run (absent in histories before it). */
  markQueued(seriesId: string, ranges: IndexRange[], jobId: string, host?: string): Promise<void>;
  /** Which of the named hosts an admin has drained (a multi-host series places no chunk there). */
  drainedHosts(names: string[]): Promise<string[]>;
  /** Puts the unfinished runs of `ranges` back to pending and answers them (a lost host's chunk). */
  releaseRuns(seriesId: string, ranges: IndexRange[]): Promise<IndexRange[]>;
  /** Marks the runs of `ranges` that ended on `host` as keeping their outputs there (it stayed lost). */
  markOutputsLeft(seriesId: string, host: string, ranges: IndexRange[]): Promise<number>;
  /**
   * Applies polled changes; answers how many runs of `ranges` are not yet final, and the runs
   * of `ranges` by state (`counts` is absent from results recorded before it existed: a
   * workflow replaying its history meets those).
   */
  recordRunChanges(
    seriesId: string,
    attempt: number,
    changes: RunChange[],
    ranges: IndexRange[],
  ): Promise<{ remaining: number; counts?: Record<RunState, number> }>;
  /** Marks the runs of `ranges` still not final as failed with `reason` (runner or job lost). */
  failUnfinishedRuns(seriesId: string, ranges: IndexRange[], reason: string): Promise<number>;
  /** Indexes collected files (path, size, sha256) and metrics.json of the chunk's runs. */
  indexChunk(seriesId: string, ranges: IndexRange[]): Promise<{ files: number; bytes: number }>;
  archiveSeries(seriesId: string): Promise<{ path: string; size: number }>;
  /** Records the post-processing step's outcome (series.postprocess): running, then how it ended. */
  recordPostprocess(seriesId: string, outcome: PostprocessOutcome): Promise<void>;
  /** Sets the final state from the runs' states and answers it. */
  finishSeries(seriesId: string): Promise<SeriesState>;
  /** Records every unfinished run and the series as cancelled. */
  recordCancelled(seriesId: string): Promise<void>;
}
