// What the memory benches share: a large generated stream that holds nothing itself, and a
// measure of this process's peak RSS growth while some work runs.
import { Readable } from 'node:stream';

/** `mib` MiB as a stream of one reused 1 MiB chunk (`fill`). */
export function generatedStream(mib: number, fill: Buffer = Buffer.alloc(1024 ** 2, 7)): Readable {
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < mib ? fill : null);
    },
  });
}

/** Runs `work`, sampling RSS every 20 ms; answers the peak growth in MiB and the seconds taken. */
export async function measurePeakRss(
  work: () => Promise<void>,
): Promise<{ peakMiB: number; seconds: number }> {
  global.gc?.();
  const start = process.memoryUsage.rss();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const began = performance.now();
  await work();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { peakMiB: (peak - start) / 1024 ** 2, seconds: (performance.now() - began) / 1000 };
}
