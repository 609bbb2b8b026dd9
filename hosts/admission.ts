// Admission by load on runner hosts (docs/quotas.md): the admin's thresholds as the one line
// hosts/runner/lib/admission.sh reads from the pool's `admission` file. The runner compares
// integers only, so the load per core travels in hundredths.
import path from 'node:path';
import type { AdmissionThresholds } from './executor.ts';

/**
 * `LOAD_HUNDREDTHS MIN_FREE_MEMORY MIN_FREE_GPU_MEMORY SET_AT`, `-` for each threshold not
 * set; empty without thresholds (nothing is written).
 */
export function admissionLine(thresholds: (AdmissionThresholds & { setAt: number }) | undefined): string {
  if (!thresholds) return '';
  const field = (value: number | undefined) => (value === undefined ? '-' : String(Math.round(value)));
  const load = thresholds.maxLoadPerCore;
  return [
    field(load === undefined ? undefined : load * 100),
    field(thresholds.minFreeMemoryBytes),
    field(thresholds.minFreeGpuMemoryBytes),
    field(thresholds.setAt),
  ].join(' ');
}

/** The host's pool directory (hosts/runner/lib/pool.sh): beside the series directories. */
export function poolDirOf(workdir: string): string {
  return path.posix.join(workdir, '.tuplet-pool');
}
