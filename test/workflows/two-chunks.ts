// The series the workflow tests stop in the middle (cancel, progress): two chunks of one run,
// both started at once; chunk 0 ends at once, chunk 1's job runs (with nothing to report) until
// `release()`.
import { finishAtOnce, type FakeSeries, type FakeSeriesOptions } from './fake-host.ts';
import { newSeriesId, type Testbed } from './testbed.ts';

export function twoChunkSeries(
  testbed: Testbed,
  more: Omit<FakeSeriesOptions, 'count' | 'caps' | 'script'> = {},
): { fake: FakeSeries; id: string; release(): void } {
  let released = false;
  const id = newSeriesId();
  const fake = testbed.world.add(id, {
    ...more,
    count: 2,
    caps: { chunkSize: 1, window: 2 },
    script: (job) => (job.chunkIndex === 0 || released ? finishAtOnce(job) : { alive: true }),
  });
  return { fake, id, release: () => (released = true) };
}
