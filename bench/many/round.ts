// One round of `bench many`: every series POSTed at the same moment (each by its own member),
// then all of them asked for every second until each is final — what was in flight on each
// host at each look, and when each series ended.
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_SERIES_STATES, type SeriesState } from '../../core/states.ts';
import type { InProcessStack, SeriesBody } from '../../test/support/stack.ts';
import { APPLICATION } from './setup.ts';

export interface PlannedSeries {
  token: string;
  host: string;
  n: number;
}

export interface SeriesOutcome extends PlannedSeries {
  id: string;
  state: string;
  succeeded: number;
  /** Epoch ms the bench first saw it final. */
  finishedAt: number;
}

/** One look: series not yet final, by host. */
export interface InFlightSample {
  at: number;
  inFlight: Record<string, number>;
}

export interface RoundResult {
  postedAt: number;
  endedAt: number;
  series: SeriesOutcome[];
  samples: InFlightSample[];
}

const LOOK_EVERY_MS = 1_000;
const TIMEOUT_MS = 45 * 60_000;

/** A GET again after a dropped keep-alive connection (ECONNRESET under heavy load). */
async function seriesBody(stack: InProcessStack, id: string): Promise<SeriesBody> {
  for (let attempt = 1; ; attempt++) {
    try {
      const got = await stack.request<SeriesBody>('GET', `/api/v1/series/${id}`);
      if (got.status !== 200) throw new Error(`GET /series/${id}: ${got.status}`);
      return got.body;
    } catch (error) {
      if (attempt >= 5 || !(error instanceof TypeError)) throw error;
      await sleep(1_000);
    }
  }
}

export async function runRound(
  stack: InProcessStack,
  label: string,
  plan: PlannedSeries[],
): Promise<RoundResult> {
  const postedAt = Date.now();
  const ids = await Promise.all(
    plan.map(async (one, i) => {
      const created = await stack.request<{ id: string }>(
        'POST',
        '/api/v1/series',
        {
          application: APPLICATION,
          host: one.host,
          ini: `i = 0...1...${one.n - 1}\n`,
          description: `bench many ${label} ${i}`,
        },
        one.token,
      );
      if (created.status !== 201)
        throw new Error(`POST /series (${label} ${i}): ${created.status} ${JSON.stringify(created.body)}`);
      return created.body.id;
    }),
  );
  const finished = new Map<string, { body: SeriesBody; at: number }>();
  const samples: InFlightSample[] = [];
  while (finished.size < ids.length) {
    if (Date.now() - postedAt > TIMEOUT_MS) throw new Error(`${label}: not every series final in 45 min`);
    const inFlight: Record<string, number> = {};
    for (const one of plan) inFlight[one.host] ??= 0;
    await Promise.all(
      ids.map(async (id, i) => {
        if (finished.has(id)) return;
        const body = await seriesBody(stack, id);
        if (FINAL_SERIES_STATES.includes(body.state as SeriesState))
          finished.set(id, { body, at: Date.now() });
        else inFlight[plan[i]!.host]!++;
      }),
    );
    samples.push({ at: Date.now(), inFlight });
    if (finished.size < ids.length) await sleep(LOOK_EVERY_MS);
  }
  const series = plan.map((one, i): SeriesOutcome => {
    const { body, at } = finished.get(ids[i]!)!;
    return { ...one, id: ids[i]!, state: body.state, succeeded: body.counts.succeeded, finishedAt: at };
  });
  return { postedAt, endedAt: Math.max(...series.map((s) => s.finishedAt)), series, samples };
}
