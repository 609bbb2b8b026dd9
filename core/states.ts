// The states a run and a series go through: the words the database stores, the API and the
// web show, and hosts and workflows decide on. Like all of core/, it imports nothing of the project.

export const RUN_STATES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];
/** A run in one of these states is over: it is neither polled nor cancelled again. */
export const TERMINAL_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'cancelled'];

/** How many of the runs counted by state are not over yet. */
export function unfinishedOf(counts: Readonly<Record<RunState, number>>): number {
  return RUN_STATES.reduce(
    (sum, state) => (TERMINAL_RUN_STATES.includes(state) ? sum : sum + counts[state]),
    0,
  );
}

// `queued`: accepted, waiting for its owner's (or group's) queue or storage quota before it
// stages anything (docs/quotas.md); it moves on to `staging` once the quota allows.
export const SERIES_STATES = [
  'queued',
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
/** A series in one of these states has finished its workflow: it can be rerun or deleted. */
export const FINAL_SERIES_STATES: readonly SeriesState[] = [
  'completed',
  'completed_with_failures',
  'failed',
  'cancelled',
];
/** Every state a series is in while its workflow still has work to do. */
export const UNFINISHED_SERIES_STATES: readonly SeriesState[] = SERIES_STATES.filter(
  (state) => !FINAL_SERIES_STATES.includes(state),
);
