// What a series' quota and priority change in its SLURM job arrays (docs/fair-share.md): a
// maxRunning quota lowers the array throttle (`%N`: at most N tasks of the array run at once),
// and a low-priority series asks for a positive `--nice`, behind the owner's other series.
// Raising a job's priority (a negative nice) is for SLURM's operators: `high` adds nothing here.
import type { HostSpec, SeriesSpec } from '../executor.ts';

/** The nice value of a low-priority series' jobs (SLURM's range is ±2147483645). */
export const LOW_PRIORITY_NICE = 1000;

/** The array throttle: the host's, lowered to the series' maxRunning quota (at least 1). */
export function arrayThrottleOf(
  host: Pick<HostSpec, 'arrayThrottle'>,
  series: Pick<SeriesSpec, 'maxRunning'>,
): number | undefined {
  if (series.maxRunning === undefined) return host.arrayThrottle;
  const quota = Math.max(1, series.maxRunning);
  return host.arrayThrottle ? Math.min(host.arrayThrottle, quota) : quota;
}

/** `#SBATCH` directives of the series' priority. */
export function priorityDirectives(series: Pick<SeriesSpec, 'fairShare'>): string[] {
  return series.fairShare?.rank === 0 ? [`--nice=${LOW_PRIORITY_NICE}`] : [];
}
