// The timed part every end-to-end bench shares: POST a series of N one-parameter tuples and
// wait until its last run is recorded (succeeded or failed).
import { waitForSeries, type Api, type SeriesBody } from '../test/support/stack.ts';

export interface TimedSeries {
  id: string;
  /** Epoch ms just before the POST and when the last run was seen recorded. */
  postedAt: number;
  recordedAt: number;
  seconds: number;
}

export async function timeSeries(
  api: Api,
  series: { application: string; host: string; n: number; description: string },
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
  await waitForSeries<SeriesBody>(
    api,
    created.body.id,
    (s) => s.counts.succeeded + s.counts.failed === series.n || s.state === 'failed',
    30 * 60_000,
  );
  return {
    id: created.body.id,
    postedAt,
    recordedAt: Date.now(),
    seconds: (performance.now() - start) / 1000,
  };
}
