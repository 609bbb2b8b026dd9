// The timed part every end-to-end bench shares: POST a series of N one-parameter tuples and
// wait until its last run is recorded (succeeded or failed), then until the series itself
// is finished (collected, its state final).
import type { Api, SeriesBody } from '../test/support/stack.ts';
import { FINAL_SERIES_STATES, type SeriesState } from '../core/states.ts';

export interface TimedSeries {
  id: string;
  /** Epoch ms just before the POST, when the last run was seen recorded, when the series was seen finished. */
  postedAt: number;
  recordedAt: number;
  finishedAt: number;
  /** POST → last run recorded. */
  seconds: number;
}

/**
 * How often the bench asks. Its granularity is part of every figure (on average half of it
 * is added), and each ask costs this process CPU that the series' own work competes with.
 */
const ASK_EVERY_MS = 250;
const TIMEOUT_MS = 30 * 60_000;

async function seriesOf(api: Api, id: string): Promise<SeriesBody> {
  const { status, body } = await api.request<SeriesBody>('GET', `/api/v1/series/${id}`);
  if (status !== 200) throw new Error(`GET /series/${id} answered ${status}`);
  return body;
}

/** Asks until `done` holds; the epoch ms it was first seen so. */
async function seenWhen(
  api: Api,
  id: string,
  done: (s: SeriesBody) => boolean,
  since: number,
): Promise<number> {
  for (;;) {
    const series = await seriesOf(api, id);
    if (done(series)) return Date.now();
    if (Date.now() - since > TIMEOUT_MS)
      throw new Error(`series ${id} still ${series.state} after ${TIMEOUT_MS / 60_000} min`);
    await new Promise((resolve) => setTimeout(resolve, ASK_EVERY_MS));
  }
}

export async function timeSeries(
  api: Api,
  series: { application: string; host: string; n: number; description: string },
  /** Called as soon as the last run is seen recorded (before waiting for the finish). */
  onRecorded?: () => void,
): Promise<TimedSeries> {
  const start = performance.now();
  const postedAt = Date.now();
  const created = await api.request<{ id: string }>('POST', '/api/v1/series', {
    application: series.application,
    host: series.host,
    ini: `i = 0...1...${series.n - 1}\n`,
    description: series.description,
  });
  if (created.status !== 201)
    throw new Error(`POST /series answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const final = (s: SeriesBody) => FINAL_SERIES_STATES.includes(s.state as SeriesState);
  const recordedAt = await seenWhen(
    api,
    id,
    (s) => s.counts.succeeded + s.counts.failed === series.n || final(s),
    postedAt,
  );
  const seconds = (performance.now() - start) / 1000;
  onRecorded?.();
  const finishedAt = await seenWhen(api, id, final, postedAt);
  return { id, postedAt, recordedAt, finishedAt, seconds };
}
