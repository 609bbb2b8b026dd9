// `squeue` for a series' jobs: the format we ask for, its parser, and the explicit map from
// SLURM job states to run states (pure) — the one state map: the host scripts get the lists
// they need from it (OVER_STATES, FAILED_STATES). Pending array tasks come compressed on one
// line (`2-9%2`); running and finished tasks come one per line. Only poll.sh expands task ids
// (to find the runs of an ended task on the host); here they stay as squeue printed them.
import type { RunState } from '../../core/states.ts';

/**
 * `%F` array job id, `%K` array task id(s), `%T` state, `%S` start, `%e` end, `%j` name,
 * `%k` comment, `%r` reason (last: it is free text).
 */
export const SQUEUE_FORMAT = '%F|%K|%T|%S|%e|%j|%k|%r';

export interface SqueueRecord {
  /** The array job id (the job id for a job that is not an array). */
  jobId: string;
  /** Array task ids on this line as squeue prints them (`3`, `1-5%1`); undefined for a job that is not an array. */
  arrayTasks?: string;
  state: string;
  startTime?: string;
  endTime?: string;
  name: string;
  comment: string;
  reason: string;
}

export class SqueueParseError extends Error {
  override name = 'SqueueParseError';
}

/** Parses `squeue -h -o SQUEUE_FORMAT` output. Blank lines are skipped; malformed ones throw. */
export function parseSqueue(text: string): SqueueRecord[] {
  const records: SqueueRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split('|');
    if (fields.length < 8) throw new SqueueParseError(`squeue line with ${fields.length} fields: ${line}`);
    const [jobId = '', taskSpec = '', state = '', start = '', end = '', name = '', comment = ''] = fields;
    const reason = fields.slice(7).join('|');
    if (!/^\d+$/.test(jobId)) throw new SqueueParseError(`squeue line without a job id: ${line}`);
    const record: SqueueRecord = {
      jobId,
      state,
      name,
      comment: comment === '(null)' ? '' : comment,
      reason,
    };
    if (taskSpec !== 'N/A' && taskSpec !== '') record.arrayTasks = taskSpec;
    const startTime = slurmTime(start);
    if (startTime) record.startTime = startTime;
    const endTime = slurmTime(end);
    if (endTime) record.endTime = endTime;
    records.push(record);
  }
  return records;
}

/** `2026-11-22T02:12:23` (cluster local time, as SLURM prints it) → ISO string; N/A, NONE, Unknown → undefined. */
export function slurmTime(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(t)) return undefined;
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** What a SLURM job state means for the runs of its tasks. */
export type SlurmStateMeaning =
  | { alive: true; state: Extract<RunState, 'queued' | 'running'> }
  | { alive: false; state: Extract<RunState, 'succeeded' | 'failed' | 'cancelled'>; reason?: string };

const QUEUED = { alive: true, state: 'queued' } as const;
const RUNNING = { alive: true, state: 'running' } as const;
const failedBecause = (reason: string) => ({ alive: false, state: 'failed', reason }) as const;

/** Every state of `squeue --help`/slurm.h, explicitly; unknown ones count as still alive. */
const STATES: Record<string, SlurmStateMeaning> = {
  PENDING: QUEUED,
  CONFIGURING: QUEUED,
  REQUEUED: QUEUED,
  REQUEUE_FED: QUEUED,
  REQUEUE_HOLD: QUEUED,
  RESV_DEL_HOLD: QUEUED,
  SUSPENDED: QUEUED,
  STOPPED: QUEUED,
  RESIZING: QUEUED,
  RUNNING: RUNNING,
  COMPLETING: RUNNING,
  SIGNALING: RUNNING,
  STAGE_OUT: RUNNING,
  UPDATE_DB: RUNNING,
  POWER_UP_NODE: RUNNING,
  COMPLETED: { alive: false, state: 'succeeded' },
  CANCELLED: { alive: false, state: 'cancelled', reason: 'CANCELLED' },
  FAILED: failedBecause('FAILED'),
  TIMEOUT: failedBecause('TIMEOUT'),
  OUT_OF_MEMORY: failedBecause('OUT_OF_MEMORY'),
  NODE_FAIL: failedBecause('NODE_FAIL'),
  PREEMPTED: failedBecause('PREEMPTED'),
  BOOT_FAIL: failedBecause('BOOT_FAIL'),
  DEADLINE: failedBecause('DEADLINE'),
  SPECIAL_EXIT: failedBecause('SPECIAL_EXIT'),
  REVOKED: { alive: false, state: 'cancelled', reason: 'REVOKED' },
};

/** Every state the map knows. */
export const KNOWN_STATES: readonly string[] = Object.keys(STATES);

/**
 * The states of jobs that are over (every known state that is not alive), for submit.sh and
 * cancel.sh: any other state, an unknown one too, is alive there as in meaningOfState.
 */
export const OVER_STATES: readonly string[] = Object.keys(STATES).filter((name) => !STATES[name]!.alive);

/** The states whose tasks ended without success (failed or cancelled): poll.sh reports their runs. */
export const FAILED_STATES: readonly string[] = OVER_STATES.filter(
  (name) => STATES[name]!.state !== 'succeeded',
);

export function meaningOfState(slurmState: string): SlurmStateMeaning {
  // `CANCELLED by 0` appears in some outputs (sacct); the first word is the state.
  const word = slurmState.trim().split(/\s+/)[0]!.toUpperCase();
  return STATES[word] ?? QUEUED;
}

/**
 * Pending reasons that will not clear without a person (changed limits, a fixed request, a
 * node back up), with what they mean. Queue reasons such as `Priority`, `Resources` or the
 * `Assoc…Limit` family clear by themselves and are not here.
 */
const HELD_REASONS: Record<string, string> = {
  PartitionTimeLimit: "the time limit asked for exceeds the partition's maximum",
  PartitionNodeLimit: 'the job asks for more nodes than the partition allows',
  PartitionDown: 'the partition is down',
  PartitionInactive: 'the partition is inactive',
  ReqNodeNotAvail: 'a node the job needs is down, drained or reserved',
  QOSMaxWallDurationPerJobLimit: "the time limit asked for exceeds the QOS's maximum",
  QOSNotAllowed: 'the QOS is not allowed on this partition',
  AccountNotAllowed: 'the account is not allowed on this partition',
  InvalidAccount: 'the account is invalid',
  InvalidQOS: 'the QOS is invalid',
  BadConstraints: 'no node satisfies the constraints asked for',
  JobHeldAdmin: 'an administrator holds the job',
  JobHeldUser: 'the job is held (scontrol release)',
};

/** `PartitionTimeLimit: …what it means` for a pending record held for such a reason, else undefined. */
export function heldReason(record: Pick<SqueueRecord, 'state' | 'reason'>): string | undefined {
  if (meaningOfState(record.state).state !== 'queued') return undefined;
  // squeue prints e.g. `(ReqNodeNotAvail, UnavailableNodes:node1)`; the first word names it.
  const word = /^\(?([A-Za-z]+)/.exec(record.reason.trim())?.[1];
  const meaning = word === undefined ? undefined : HELD_REASONS[word];
  return meaning === undefined ? undefined : `${word}: ${meaning}`;
}
