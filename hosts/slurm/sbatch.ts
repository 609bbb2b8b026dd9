// `sbatch --parsable` answers and refusals (pure). A refusal keeps the scheduler's own words;
// its kind says whether trying again can help (only when the controller was unreachable).

export interface SbatchAnswer {
  jobId: string;
  cluster?: string;
}

export type SbatchRefusal =
  | 'invalid_partition'
  | 'invalid_qos'
  | 'invalid_account'
  /** Association/QOS limits: too many jobs submitted, too large, too long. */
  | 'limit'
  /** Resources no node can give, a bad time or array specification. */
  | 'invalid_request'
  /** The controller did not answer (down, restarting, overloaded): retry later. */
  | 'unavailable'
  | 'unknown';

/** sbatch refused the chunk for good; the activity must not retry it (bad resources). */
export class SlurmSubmitError extends Error {
  override name = 'SlurmSubmitError';
  constructor(
    readonly kind: Exclude<SbatchRefusal, 'unavailable'>,
    /** The scheduler's message, e.g. `Invalid partition name specified`. */
    readonly schedulerMessage: string,
    readonly exitCode: number,
  ) {
    super(`sbatch refused the job (${kind}): ${schedulerMessage}`);
  }
}

/** sbatch could not reach the controller: worth retrying. */
export class SlurmUnavailableError extends Error {
  override name = 'SlurmUnavailableError';
  constructor(
    readonly schedulerMessage: string,
    readonly exitCode: number,
  ) {
    super(`SLURM controller unavailable: ${schedulerMessage}`);
  }
}

export class SbatchParseError extends Error {
  override name = 'SbatchParseError';
}

/** `12345` or `12345;cluster` (the last non-empty line: site wrappers may print before it). */
export function parseSbatchParsable(stdout: string): SbatchAnswer {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines[lines.length - 1] ?? '';
  const match = /^(\d+)(?:;(\S+))?$/.exec(last);
  if (!match)
    throw new SbatchParseError(
      `sbatch --parsable printed no job id: ${JSON.stringify(stdout.slice(0, 200))}`,
    );
  return match[2] === undefined ? { jobId: match[1]! } : { jobId: match[1]!, cluster: match[2] };
}

const KINDS: Array<[RegExp, SbatchRefusal]> = [
  [
    /unable to contact slurm controller|temporarily unable to accept|socket timed out|zero bytes were transmitted|connection refused|slurm_persist_conn/i,
    'unavailable',
  ],
  [/invalid partition/i, 'invalid_partition'],
  [/invalid qos/i, 'invalid_qos'],
  [/invalid account/i, 'invalid_account'],
  [
    /accounting\/qos policy|submit limit|maxsubmit|qosmax|assocmax|job limit|size and\/or time limits/i,
    'limit',
  ],
  [
    /requested node configuration is not available|time limit|invalid .*specification|invalid generic resource|memory specification|invalid (job|feature|gres|node|trackable)|invalid --/i,
    'invalid_request',
  ],
];

/** The scheduler's reason: the text after `Batch job submission failed:`, else the last error line. */
export function sbatchMessage(stderr: string): string {
  const errors = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of errors) {
    const match = /Batch job submission failed:\s*(.*)$/.exec(line);
    if (match) return match[1]!.trim();
  }
  const last = errors[errors.length - 1] ?? '';
  return last.replace(/^sbatch:\s*(error:\s*)?/, '') || 'sbatch failed without a message';
}

export function classifySbatchFailure(stderr: string): SbatchRefusal {
  const text = stderr.trim();
  for (const [pattern, kind] of KINDS) if (pattern.test(text)) return kind;
  return 'unknown';
}

/** The error for a failed `sbatch` (exit code ≠ 0). */
export function sbatchError(exitCode: number, stderr: string): SlurmSubmitError | SlurmUnavailableError {
  const kind = classifySbatchFailure(stderr);
  const message = sbatchMessage(stderr);
  return kind === 'unavailable'
    ? new SlurmUnavailableError(message, exitCode)
    : new SlurmSubmitError(kind, message, exitCode);
}
