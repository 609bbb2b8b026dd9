// How the CLI shows a series: one summary line, and a progress bar that follows it live.
import { SingleBar } from 'cli-progress';
import type { RunState, SeriesState } from '../core/states.ts';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import type { ApiClient } from './api-client.ts';

export interface SeriesView {
  id: string;
  state: SeriesState;
  count: number;
  counts: Record<RunState, number>;
  description?: string;
  application?: string;
  host?: string;
  reason?: string | null;
  /** Why it does not move on yet: a quota (`queued`), the host's load or pool, a scheduler. */
  waitReason?: string | null;
  workflowId?: string;
  temporalUrl?: string | null;
}

export function summarize(series: SeriesView): string {
  const c = series.counts;
  const done = c.succeeded + c.failed + c.cancelled;
  const parts = [
    `series ${series.id}: ${series.state}`,
    `${done}/${series.count} done`,
    `${c.succeeded} succeeded`,
    `${c.failed} failed`,
    `${c.running} running`,
    `${c.queued + c.pending} waiting`,
  ];
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  return (
    parts.join(', ') +
    (series.reason ? `\n  reason: ${series.reason}` : '') +
    (series.waitReason ? `\n  waiting: ${series.waitReason}` : '')
  );
}

export function isFinal(series: SeriesView): boolean {
  return FINAL_SERIES_STATES.includes(series.state);
}

/** Polls the series once a second, drawing a progress bar on a terminal, until it is final. */
export async function followSeries(client: ApiClient, id: string, showBar: boolean): Promise<SeriesView> {
  let series = await client.request<SeriesView>('GET', `/api/v1/series/${id}`);
  const bar = showBar
    ? new SingleBar({
        format: ' {bar} {percentage}% | {value}/{total} runs | {state} | {succeeded} ok, {failed} failed',
        hideCursor: true,
      })
    : undefined;
  const payload = (s: SeriesView) => ({
    state: s.state,
    succeeded: s.counts.succeeded,
    failed: s.counts.failed,
  });
  const done = (s: SeriesView) => s.counts.succeeded + s.counts.failed + s.counts.cancelled;
  bar?.start(series.count, done(series), payload(series));
  // Without a terminal, a line each time something changed (logs stay short).
  let last = '';
  while (!isFinal(series)) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    series = await client.request<SeriesView>('GET', `/api/v1/series/${id}`);
    bar?.update(done(series), payload(series));
    const line = summarize(series);
    if (!bar && line !== last) process.stderr.write(`${line}\n`);
    last = line;
  }
  bar?.stop();
  return series;
}
