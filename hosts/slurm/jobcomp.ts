// The jobcomp/filetxt record (`JobCompLoc`): one line per finished job, the durable record on
// clusters without slurmdbd (sacct is disabled there). Pure parser.
// A line: `JobId=7 UserId=root(0) … Name=tuplet-x JobState=TIMEOUT … StartTime=… EndTime=…
// … ArrayJobId=6 ArrayTaskId=1 DerivedExitCode=0:0 ExitCode=0:0`. A pending array cancelled
// before any task started is one line for the whole array, without the Array fields.
import { slurmTime } from './squeue.ts';

export interface JobcompRecord {
  jobId: string;
  /** The array job id, for array tasks. */
  arrayJobId?: string;
  arrayTaskId?: number;
  name: string;
  state: string;
  /** `ExitCode=a:b`: the script's exit code (a) and the signal that ended it (b). */
  exitCode?: number;
  signal?: number;
  startTime?: string;
  endTime?: string;
}

/** Values never hold spaces except Name and WorkDir, which are read up to the next known key. */
const FIELD = /(?:^|\s)([A-Za-z]+)=/g;

export function parseJobcompLine(line: string): JobcompRecord | undefined {
  const fields = new Map<string, string>();
  const keys = [...line.matchAll(FIELD)];
  keys.forEach((match, i) => {
    const start = match.index + match[0].length;
    const end = i + 1 < keys.length ? keys[i + 1]!.index : line.length;
    fields.set(match[1]!, line.slice(start, end).trim());
  });
  const jobId = fields.get('JobId');
  const state = fields.get('JobState');
  if (!jobId || !/^\d+$/.test(jobId) || !state) return undefined;
  const record: JobcompRecord = { jobId, name: fields.get('Name') ?? '', state };
  const arrayJobId = fields.get('ArrayJobId');
  const arrayTaskId = fields.get('ArrayTaskId');
  if (arrayJobId && /^\d+$/.test(arrayJobId) && arrayTaskId && /^\d+$/.test(arrayTaskId)) {
    record.arrayJobId = arrayJobId;
    record.arrayTaskId = Number(arrayTaskId);
  }
  const exit = /^(\d+):(\d+)$/.exec(fields.get('ExitCode') ?? '');
  if (exit) {
    record.exitCode = Number(exit[1]);
    record.signal = Number(exit[2]);
  }
  const startTime = slurmTime(fields.get('StartTime') ?? '');
  if (startTime) record.startTime = startTime;
  const endTime = slurmTime(fields.get('EndTime') ?? '');
  if (endTime) record.endTime = endTime;
  return record;
}

/** Every readable line of a jobcomp file (others, e.g. a torn last line, are skipped). */
export function parseJobcomp(text: string): JobcompRecord[] {
  return text
    .split('\n')
    .map(parseJobcompLine)
    .filter((r): r is JobcompRecord => r !== undefined);
}
