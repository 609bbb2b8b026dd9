// The names Temporal knows Tuplet's work by: task queues, workflow ids and search
// attributes. The API starts workflows, workers poll queues and workflows start children
// under these names, so they are defined once. Like all of core/, it imports nothing of the project.

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

/** The on-demand post-processing of a series (one at a time: the id is reused once it has closed). */
export function postprocessWorkflowId(seriesId: string): string {
  return `${seriesWorkflowId(seriesId)}/postprocess`;
}

/** Search attributes the Temporal UI can filter by (registered on the dev server at start). */
export const SEARCH_ATTRIBUTES = {
  owner: 'TupletOwner',
  host: 'TupletHost',
  application: 'TupletApplication',
  tuples: 'TupletTuples',
} as const;
