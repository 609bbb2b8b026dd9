// `scontrol show config`: the limits Tuplet plans chunks by, read once per host (pure parser).

export interface SlurmLimits {
  /** Array task ids must be below this; an array holds at most this many tasks. */
  maxArraySize: number;
  /** Jobs (array tasks count once they are started) slurmctld keeps at once. */
  maxJobCount: number;
  /** Seconds a finished job stays visible to squeue. */
  minJobAgeSeconds: number;
  /** `jobcomp/filetxt` and its file, when the cluster keeps that record. */
  jobCompType?: string;
  jobCompLoc?: string;
  version?: string;
}

export class SlurmConfigError extends Error {
  override name = 'SlurmConfigError';
}

/** `Key = value` lines → map (first `=` splits; values keep their spaces). */
export function parseConfigLines(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s?(.*)$/.exec(line.trimEnd());
    if (match) values.set(match[1]!, match[2]!.trim());
  }
  return values;
}

function integer(values: Map<string, string>, key: string): number {
  const raw = values.get(key);
  // `MinJobAge = 300 sec`: the number first.
  const n = raw === undefined ? NaN : Number(/^\d+/.exec(raw)?.[0]);
  if (!Number.isInteger(n))
    throw new SlurmConfigError(`scontrol show config: no integer ${key} (got ${raw ?? 'nothing'})`);
  return n;
}

export function parseSlurmConfig(text: string): SlurmLimits {
  const values = parseConfigLines(text);
  const limits: SlurmLimits = {
    maxArraySize: integer(values, 'MaxArraySize'),
    maxJobCount: integer(values, 'MaxJobCount'),
    minJobAgeSeconds: integer(values, 'MinJobAge'),
  };
  const present = (v: string | undefined) => v !== undefined && v !== '' && v !== '(null)';
  const type = values.get('JobCompType');
  if (present(type)) limits.jobCompType = type!;
  const loc = values.get('JobCompLoc');
  if (present(loc)) limits.jobCompLoc = loc!;
  const version = values.get('SLURM_VERSION');
  if (present(version)) limits.version = version!;
  return limits;
}

/**
 * The largest chunk (array) to submit: what MaxArraySize allows, no more than a quarter of
 * the job table (so a few chunks in flight never fill it), and at most `cap`.
 */
export function maxChunkSize(limits: SlurmLimits, cap = 10_000): number {
  return Math.max(1, Math.min(limits.maxArraySize, Math.floor(limits.maxJobCount / 4), cap));
}
