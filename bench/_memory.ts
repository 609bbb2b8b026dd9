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

export type PeakRss = Awaited<ReturnType<typeof measurePeakRss>>;

/**
 * Prints a memory bench's one JSON line: what each side did, its peak RSS growth and seconds,
 * `more` figures, and the ratio of ours' peak growth over the baseline's (a baseline under
 * 1 MiB counts as 1 MiB, so a flat baseline gives no runaway ratio).
 */
export function printPeakRssRatio(line: {
  bench: string;
  n: number;
  ours: { what: string; measured: PeakRss };
  baseline: { what: string; measured: PeakRss };
  more?: Record<string, number>;
}): void {
  const { ours, baseline } = line;
  process.stdout.write(
    `${JSON.stringify({
      bench: line.bench,
      n: line.n,
      ours: ours.what,
      ours_peak_rss_mib: Math.round(ours.measured.peakMiB),
      ours_s: Number(ours.measured.seconds.toFixed(2)),
      baseline: baseline.what,
      baseline_peak_rss_mib: Math.round(baseline.measured.peakMiB),
      baseline_s: Number(baseline.measured.seconds.toFixed(2)),
      ...line.more,
      ratio: Number((ours.measured.peakMiB / Math.max(1, baseline.measured.peakMiB)).toFixed(3)),
    })}\n`,
  );
}
