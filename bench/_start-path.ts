// Where a series' first seconds go, from its Temporal histories: every step from the POST to
// the first chunk's first poll, in order, each with when it was scheduled, how long it waited
// for a worker and how long it ran, in ms after the POST. The benches print it beside their
// timeline (which only knows when the host saw the submit).
import { Client, Connection } from '@temporalio/client';
import type proto from '@temporalio/proto';
import { chunkWorkflowId, seriesWorkflowId } from '../core/naming.ts';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface StartStep {
  /** `series:loadSeries`, `chunk-0:submitChunk`, `series:start`, `chunk-0:start`. */
  step: string;
  /** ms after the POST: scheduled (or workflow started), then the wait for a worker, then the run. */
  at_ms: number;
  wait_ms: number;
  run_ms: number;
}

function epochMs(event: HistoryEvent): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

/** The workflow's start and its activities up to (not including) the first `stopAt`, in history order. */
function stepsOf(label: string, events: HistoryEvent[], postedAt: number, stopAt: string): StartStep[] {
  const steps: StartStep[] = [];
  const first = events[0];
  if (first) steps.push({ step: `${label}:start`, at_ms: epochMs(first) - postedAt, wait_ms: 0, run_ms: 0 });
  const byId = new Map<string, { step: StartStep; scheduledAt: number; startedAt?: number }>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const type = scheduled.activityType?.name ?? '?';
      if (type === stopAt) break;
      const step = { step: `${label}:${type}`, at_ms: epochMs(event) - postedAt, wait_ms: 0, run_ms: 0 };
      steps.push(step);
      byId.set(String(event.eventId), { step, scheduledAt: epochMs(event) });
    }
    const started = event.activityTaskStartedEventAttributes;
    const entry = started ? byId.get(String(started.scheduledEventId)) : undefined;
    if (entry) {
      entry.startedAt = epochMs(event);
      entry.step.wait_ms = entry.startedAt - entry.scheduledAt;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const done = completed ? byId.get(String(completed.scheduledEventId)) : undefined;
    if (done) done.step.run_ms = epochMs(event) - (done.startedAt ?? done.scheduledAt);
  }
  return steps;
}

/** The series' and its first chunk's steps up to the chunk's first poll. */
export async function startPath(
  temporal: { address: string; namespace: string },
  seriesId: string,
  postedAt: number,
): Promise<StartStep[]> {
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    // The latest run of each workflow: a bench's series is too short to continue as new, so
    // it is the first, the one the start path went through.
    const historyOf = async (workflowId: string): Promise<HistoryEvent[]> => {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      return history.events ?? [];
    };
    const series = stepsOf('series', await historyOf(seriesWorkflowId(seriesId)), postedAt, 'archiveSeries');
    const chunk = stepsOf('chunk-0', await historyOf(chunkWorkflowId(seriesId, 0)), postedAt, 'pollChunks');
    return [...series.filter((s) => s.at_ms < (chunk[0]?.at_ms ?? Infinity)), ...chunk];
  } finally {
    await connection.close();
  }
}

/** One line per step: `  1234 ms  +5 wait  +210 run  chunk-0:submitChunk`. */
export function formatStartPath(steps: StartStep[]): string {
  return steps
    .map(
      (s) =>
        `  ${String(s.at_ms).padStart(6)} ms  +${String(s.wait_ms).padStart(4)} wait  +${String(s.run_ms).padStart(5)} run  ${s.step}`,
    )
    .join('\n');
}
