// Admission by load on a runner host: the thresholds an admin sets (docs/quotas.md).

/** Thresholds of admission by load on a runner host (each absent: not checked). */
export interface AdmissionThresholds {
  /** 1-minute load average divided by the number of cores. */
  maxLoadPerCore?: number;
  minFreeMemoryBytes?: number;
  /** Per GPU, from nvidia-smi when present. */
  minFreeGpuMemoryBytes?: number;
}
