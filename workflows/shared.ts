// Names and input types shared by the API, the CLI, workers and workflows.
// Pure: importable from workflow code (no Node built-ins, no I/O).

export const CONTROL_TASK_QUEUE = 'tuplet-control';

export function hostTaskQueue(hostName: string): string {
  return `tuplet-host-${hostName}`;
}

export function seriesWorkflowId(seriesId: string): string {
  return `series-${seriesId}`;
}

export function chunkWorkflowId(seriesId: string, chunkIndex: number): string {
  return `${seriesWorkflowId(seriesId)}/chunk-${chunkIndex}`;
}

/** Search attributes the Temporal UI can filter by (registered on the dev server at start). */
export const SEARCH_ATTRIBUTES = {
  owner: 'TupletOwner',
  host: 'TupletHost',
  application: 'TupletApplication',
  tuples: 'TupletTuples',
} as const;

export const RUN_STATES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];
export const TERMINAL_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'cancelled'];

export const SERIES_STATES = [
  'staging',
  'running',
  'collecting',
  'archiving',
  'completed',
  'completed_with_failures',
  'failed',
  'cancelled',
] as const;
export type SeriesState = (typeof SERIES_STATES)[number];
export const FINAL_SERIES_STATES: readonly SeriesState[] = [
  'completed',
  'completed_with_failures',
  'failed',
  'cancelled',
];

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
