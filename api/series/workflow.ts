// Starting and steering workflow `series-<id>`. The API names the workflow by string and
// never imports workflow code; everything else the workflow needs it reads from the database.
import type { Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { CONTROL_TASK_QUEUE, SEARCH_ATTRIBUTES } from '../../core/naming.ts';
import type { SeriesWorkflowInput } from '../../workflows/shared.ts';

const keys = {
  owner: defineSearchAttributeKey(SEARCH_ATTRIBUTES.owner, SearchAttributeType.KEYWORD),
  host: defineSearchAttributeKey(SEARCH_ATTRIBUTES.host, SearchAttributeType.KEYWORD),
  application: defineSearchAttributeKey(SEARCH_ATTRIBUTES.application, SearchAttributeType.KEYWORD),
  tuples: defineSearchAttributeKey(SEARCH_ATTRIBUTES.tuples, SearchAttributeType.INT),
};

export interface SeriesForWorkflow {
  id: string;
  workflowId: string;
  ownerName: string;
  host: string;
  application: string;
  count: number;
  description: string;
  /** A series over several hosts: when a host counts as lost (docs/multi-host.md). */
  hostLostAfterMs?: number;
}

/** How long we wait for Temporal before answering 503 rather than hanging the request. */
const START_DEADLINE_MS = 10_000;

export async function startSeriesWorkflow(
  temporal: Client,
  series: SeriesForWorkflow,
  rerun?: SeriesWorkflowInput['rerun'],
  reuse?: SeriesWorkflowInput['reuse'],
): Promise<void> {
  const input: SeriesWorkflowInput = rerun ? { seriesId: series.id, rerun } : { seriesId: series.id };
  if (reuse) input.reuse = reuse;
  if (series.hostLostAfterMs !== undefined) input.hostLostAfterMs = series.hostLostAfterMs;
  const searchAttributes: SearchAttributePair[] = [
    { key: keys.owner, value: series.ownerName },
    { key: keys.host, value: series.host },
    { key: keys.application, value: series.application },
    { key: keys.tuples, value: series.count },
  ];
  await temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    temporal.workflow.start('seriesWorkflow', {
      taskQueue: CONTROL_TASK_QUEUE,
      workflowId: series.workflowId,
      args: [input],
      typedSearchAttributes: searchAttributes,
      memo: { description: series.description },
      // A rerun starts the same id again once the previous execution has closed.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
    }),
  );
}

/** Link to the workflow in the Temporal Web UI, when its address is known. */
export function temporalUiLink(
  uiUrl: string | undefined,
  namespace: string,
  workflowId: string,
): string | null {
  if (!uiUrl) return null;
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
