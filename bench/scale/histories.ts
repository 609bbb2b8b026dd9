// What a series left in Temporal: every run of its series workflow and of each chunk workflow
// (continue-as-new makes several per workflow id), each run's history length, and the largest
// payload anywhere in those histories (inputs, results, activity arguments, queries' answers
// do not count: they are not in the history). Read after the series ended.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: no named exports under ESM
import { chunkWorkflowId, seriesWorkflowId } from '../../core/naming.ts';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType } = proto.temporal.api.enums.v1;

export interface WorkflowRuns {
  workflowId: string;
  /** History length of each run, first run first. */
  runs: number[];
}

export interface LargestPayload {
  bytes: number;
  workflowId: string;
  eventType: string;
}

export interface SeriesHistories {
  series: WorkflowRuns;
  chunks: WorkflowRuns[];
  largestPayload: LargestPayload;
  /** Events of every run of every workflow of the series. */
  totalEvents: number;
  /** When the first chunk's runs were recorded queued (markQueued completed), epoch ms. */
  firstQueuedAt: number | undefined;
  /** When the first chunk was submitted (submitChunk completed), epoch ms. */
  firstSubmittedAt: number | undefined;
  /** Seconds from scheduled to completed, summed by activity type over every run: where the time went. */
  activitySeconds: Record<string, number>;
}

/** A payload is `{ metadata: { key: bytes }, data: bytes }`; its size is what the server stores. */
function payloadBytes(value: { data: Uint8Array; metadata?: Record<string, Uint8Array> | null }): number {
  let bytes = value.data.byteLength;
  for (const [key, v] of Object.entries(value.metadata ?? {})) bytes += key.length + (v?.byteLength ?? 0);
  return bytes;
}

/** The largest payload anywhere inside `value` (events nest them at many depths). */
function largestPayloadIn(value: unknown): number {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return 0;
  const maybe = value as { data?: unknown };
  if (maybe.data instanceof Uint8Array) return payloadBytes(value as Parameters<typeof payloadBytes>[0]);
  let largest = 0;
  for (const child of Object.values(value)) largest = Math.max(largest, largestPayloadIn(child));
  return largest;
}

function eventTypeName(event: HistoryEvent): string {
  return EventType[event.eventType ?? 0] ?? String(event.eventType);
}

function epochMs(event: HistoryEvent): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

/** When the first activity of this type completed in the history, epoch ms. */
function activityCompletedAt(events: HistoryEvent[], activityType: string): number | undefined {
  const scheduled = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType,
  );
  if (!scheduled) return undefined;
  const completed = events.find(
    (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
  );
  return completed ? epochMs(completed) : undefined;
}

/** Adds each completed activity's scheduled → completed time to `into`, by activity type. */
function addActivityTimes(events: HistoryEvent[], into: Record<string, number>): void {
  const scheduled = new Map<string, { type: string; at: number }>();
  for (const e of events) {
    const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) scheduled.set(String(e.eventId), { type, at: epochMs(e) });
    const done = e.activityTaskCompletedEventAttributes?.scheduledEventId;
    const from = done === undefined || done === null ? undefined : scheduled.get(String(done));
    if (from) into[from.type] = (into[from.type] ?? 0) + (epochMs(e) - from.at) / 1000;
  }
}

export async function readSeriesHistories(client: Client, seriesId: string): Promise<SeriesHistories> {
  const largest: LargestPayload = { bytes: 0, workflowId: '', eventType: '' };
  let totalEvents = 0;
  const activitySeconds: Record<string, number> = {};
  const firstRunEvents = new Map<string, HistoryEvent[]>();

  /** Every run of the workflow, latest first as Temporal links them, returned first first. */
  async function runsOf(workflowId: string): Promise<WorkflowRuns | undefined> {
    let runId: string | undefined;
    try {
      runId = (await client.workflow.getHandle(workflowId).describe()).runId;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
    const lengths: number[] = [];
    while (runId) {
      const history: proto.temporal.api.history.v1.IHistory = await client.workflow
        .getHandle(workflowId, runId)
        .fetchHistory();
      const events: HistoryEvent[] = history.events ?? [];
      lengths.unshift(events.length);
      totalEvents += events.length;
      addActivityTimes(events, activitySeconds);
      for (const event of events) {
        const bytes = largestPayloadIn(event);
        if (bytes > largest.bytes)
          Object.assign(largest, { bytes, workflowId, eventType: eventTypeName(event) });
      }
      runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      if (!runId) firstRunEvents.set(workflowId, events);
    }
    return { workflowId, runs: lengths };
  }

  const series = await runsOf(seriesWorkflowId(seriesId));
  if (!series) throw new Error(`no workflow ${seriesWorkflowId(seriesId)} in Temporal`);
  const chunks: WorkflowRuns[] = [];
  for (let k = 0; ; k++) {
    const chunk = await runsOf(chunkWorkflowId(seriesId, k));
    if (!chunk) break;
    chunks.push(chunk);
  }
  const firstChunk = firstRunEvents.get(chunkWorkflowId(seriesId, 0)) ?? [];
  return {
    series,
    chunks,
    largestPayload: largest,
    totalEvents,
    firstQueuedAt: activityCompletedAt(firstChunk, 'markQueued'),
    firstSubmittedAt: activityCompletedAt(firstChunk, 'submitChunk'),
    activitySeconds: Object.fromEntries(
      Object.entries(activitySeconds).map(([type, s]) => [type, +s.toFixed(1)]),
    ),
  };
}
