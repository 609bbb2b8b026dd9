// The workflows' own contract with their callers: input types, the progress query's answer
// and the signal/query names. The product's vocabulary (states, queue and workflow id naming)
// is in core/. Pure: importable from workflow code (no Node built-ins, no I/O).
import type { RunState, SeriesState } from '../core/states.ts';

/** Input of workflow `series-<id>`: everything else is read from the database by activities. */
export interface SeriesWorkflowInput {
  seriesId: string;
  /** Set by a rerun: only these run indices are run again (encoded as ranges to stay small). */
  rerun?: { attempt: number; ranges: Array<[start: number, endExclusive: number]> };
  /**
   * Set when a new series reuses runs of others (docs/reuse.md): the API recorded those as
   * succeeded; only these indices run (ranges, as a rerun's). Empty: every run was reused.
   */
  reuse?: { ranges: Array<[start: number, endExclusive: number]> };
  /** Set by continue-as-new: staging is done and chunks before this one have finished. */
  resumeAtChunk?: number;
  /**
   * Set by continue-as-new with `resumeAtChunk`: what the chunks before it reported, so the
   * progress query goes on counting (absent from inputs written before it existed).
   */
  tally?: EndedChunksTally;
  /**
   * A series over several hosts (docs/multi-host.md): a host step no worker starts within this
   * many ms is the host lost, and its chunks move on. Absent: LOST_HOST_AFTER_MS.
   */
  hostLostAfterMs?: number;
  /**
   * Set by continue-as-new of a multi-host series: the chunk size its plan was cut with (the
   * next run cuts the same chunks) and the hosts already lost, not used again.
   */
  multiHost?: { chunkSize: number; lostHosts: string[] };
}

/** The runs of ended chunks: their final states, and how many ended without reporting them. */
export interface EndedChunksTally {
  counts: RunStateCounts;
  /** Runs of chunks that ended under a version of `chunkWorkflow` that did not report states. */
  unreported: number;
}

export type RunStateCounts = Record<RunState, number>;

/** What child workflow `series-<id>/chunk-<k>` answers when every run of it is final. */
export interface ChunkWorkflowResult {
  remaining: number;
  /** The chunk's runs by final state (absent from results recorded before it existed). */
  counts?: RunStateCounts;
}

/** Input of child workflow `series-<id>/chunk-<k>`. */
export interface ChunkWorkflowInput {
  seriesId: string;
  chunkIndex: number;
  offset: number;
  length: number;
  hostName: string;
  attempt: number;
  /** For reruns: the run indices of this chunk, as ranges within [offset, offset+length). */
  ranges?: Array<[start: number, endExclusive: number]>;
  /**
   * With `ranges` of a new series that reuses runs (docs/reuse.md): these runs have never been
   * staged, so their configs are written first (a rerun's already are).
   */
  stageRanges?: boolean;
  /** Its configs were staged by the series beside its directory (patch `series-stage-first-chunk-early`). */
  staged?: boolean;
  /** Set by continue-as-new: the chunk is submitted and polling goes on from here. */
  resume?: { jobId: string; cursor?: string; resubmits: number };
  /** A chunk of a multi-host series: its host steps time out when no worker starts them (docs/multi-host.md). */
  hostLostAfterMs?: number;
}

/**
 * The progress query's answer (docs/workflows.md, "The progress query"). The runs the workflow
 * follows add up: `sum(counts) + inFlight + untracked = count`.
 */
export interface SeriesProgress {
  /** False until the workflow has read its series: `count` and every number but `chunksDone` are 0 until then. */
  loaded: boolean;
  state: SeriesState;
  /** Runs of the series. */
  count: number;
  chunksTotal: number;
  chunksDone: number;
  /**
   * `pending`: runs of chunks not started yet; the final states of the runs of ended chunks, as
   * each chunk reported them when it ended. `queued` and `running` stay 0: a run of a chunk in
   * flight is counted in `inFlight` (the runs page has its state).
   */
  counts: RunStateCounts;
  /** Runs of the chunks in flight. */
  inFlight: number;
  /**
   * Runs the workflow does not follow: those a rerun does not repeat, and those of chunks that
   * ended under a version of the workflow that did not report their states.
   */
  untracked: number;
}

export const cancelSignalName = 'cancel';
export const progressQueryName = 'progress';
