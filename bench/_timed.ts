// A query repeated in the same process, its p50 and p95 printed on one line: what the query
// benches (results, compare) measure and compare as ratios. Answers the p95 in ms.
import { performance } from 'node:perf_hooks';

export async function timed(label: string, fn: () => Promise<unknown>, repeat = 15): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)]!;
  const p95 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!;
  console.log(
    `${label.padEnd(40)} p50 ${p50.toFixed(1).padStart(8)} ms   p95 ${p95.toFixed(1).padStart(8)} ms`,
  );
  return p95;
}
