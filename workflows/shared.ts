// The workflows' own contract with their callers: input types, the progress query's answer
// and the signal/query names. The product's vocabulary (states, queue and workflow id naming)
// is in core/. Pure: importable from workflow code (no Node built-ins, no I/O).
import type { RunState, SeriesState } from '../core/states.ts';

/** Input of workflow `series-<id>`: everything else is read from the database by activities. */
export interface SeriesWorkflowInput {
  seriesId: string;
  /** Set by a rerun: only these run indices are run again (encoded as ranges to stay small). */
  rerun?: { attempt: number; ranges: Array<[start: number, endExclusive: number]> };
  /** Set by continue-as-new: staging is done and chunks before this one have finished. */
  resumeAtChunk?: number;
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
  /** Set by continue-as-new: the chunk is submitted and polling goes on from here. */
  resume?: { jobId: string; cursor?: string; resubmits: number };
}

export interface SeriesProgress {
  state: SeriesState;
  count: number;
  chunksTotal: number;
  chunksDone: number;
  counts: Record<RunState, number>;
}

export const cancelSignalName = 'cancel';
export const progressQueryName = 'progress';
