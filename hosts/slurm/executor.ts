// A SLURM cluster as a Tuplet host, over any Transport (this machine or SSH to a login node).
//   stage    the shared staging (one tar stream per chunk)
//   submit   one `sbatch --parsable` job array per chunk, at most once (hosts/slurm/scripts/submit.sh)
//   poll     one exec for every chunk and series asking: one squeue, then per series the runs
//            the scheduler ended + the exit-file scan
//   cancel   scancel of every job of the series, by name and by id
// squeue and scancel see only the jobs of the host's own user (`id -un` there): another
// account's job named like a series is never adopted, counted alive or cancelled.
// The cluster's limits (MaxArraySize, MaxJobCount, MinJobAge) are read once per executor.
import type { Storage } from '../../files/storage/types.ts';
import type {
  ChunkSpec,
  CollectResult,
  Executor,
  HostSpec,
  PollItem,
  PollRequest,
  PollResult,
  PostprocessResult,
  RunChange,
  SeriesSpec,
  StepOptions,
  SubmitResult,
} from '../executor.ts';
import { inRanges, rangesSize } from '../../core/ranges.ts';
import { collectChunk } from '../collect.ts';
import { askedBy, groupPollItems, pollOne } from '../poll-groups.ts';
import { arrayThrottleOf } from './share.ts';
import { CommandFailedError, HostInputError, describeCommand } from '../errors.ts';
import type { PackageLimits } from '../package.ts';
import { ChunkCancelledError, SeriesDirMissingError } from '../runner-executor.ts';
import { DEFAULT_SCAN_LIMIT, nextCursor } from '../scan.ts';
import { isExitCode } from '../run-fields.ts';
import { chunkRanges, execChecked, seriesDirOf, sweepOf } from '../staging.ts';
import { postprocessSeries } from '../postprocess.ts';
import type { Transport } from '../transport.ts';
import { SeriesDirSteps } from '../executor-steps.ts';
import type { Sweep } from '../../sweep/index.ts';
import {
  SUBMIT_REFUSED,
  SUBMIT_UNAVAILABLE,
  cancelCommand,
  parseCancelOutput,
  parsePollOutput,
  parseSubmitOutput,
  pollCommand,
  showConfigCommand,
  SCRIPT_ARGUMENT_BYTES,
  submitCommand,
  withEnv,
  SlurmOutputError,
  type PollOutput,
  type SeriesPollOutput,
} from './commands.ts';
import { SlurmUnavailableError, sbatchError } from './sbatch.ts';
import { chunkComment, chunkKey, jobName, renderSbatchScript } from './sbatch-script.ts';
import { maxChunkSize, parseSlurmConfig, type SlurmLimits } from './scontrol.ts';
import { SINFO_SCRIPT, parseSinfo, type SlurmClusterInfo } from './sinfo.ts';
import { heldReason, meaningOfState, slurmTime } from './squeue.ts';

export interface SlurmExecutorOptions {
  /** Variables for every command on the host, e.g. `{ SLURM_CONF }` of a test cluster. */
  env?: Record<string, string>;
  /** Largest chunk whatever the cluster allows (default 10,000). */
  chunkCap?: number;
  /** Runs reported by one poll at most. */
  scanLimit?: number;
  /** How long cancel waits for the series' jobs to leave squeue (default 15 s). */
  cancelWaitSeconds?: number;
  /** Time limit of short commands (limits, submit, poll); default 60 s. */
  commandTimeoutMs?: number;
  packageLimits?: PackageLimits;
}

/** A constant script: one line per pending array task (`-r`) of the login user, counted. */
const PENDING_TASKS_SCRIPT = 'squeue -h -r -t PENDING -u "$(id -un)" -o %i | wc -l';

export class SlurmExecutor extends SeriesDirSteps implements Executor {
  private limitsPromise: Promise<SlurmLimits> | undefined;

  constructor(
    readonly host: HostSpec,
    protected readonly transport: Transport,
    protected readonly options: SlurmExecutorOptions = {},
  ) {
    super();
    if (host.kind !== 'slurm') throw new HostInputError(`host ${host.name} is not a slurm host`);
  }

  /** The cluster's limits, read once (`scontrol show config`); a failed read is tried again next time. */
  limits(): Promise<SlurmLimits> {
    this.limitsPromise ??= this.exec(showConfigCommand())
      .then((r) => parseSlurmConfig(r.stdout))
      .catch((error: unknown) => {
        this.limitsPromise = undefined;
        throw error;
      });
    return this.limitsPromise;
  }

  /** The largest chunk to plan (read by workers/capabilities.ts). */
  async maxChunkSize(): Promise<number> {
    return maxChunkSize(await this.limits(), this.options.chunkCap);
  }

  /** For the hosts API's connection test: limits, partitions, GPUs and how many are free. */
  async check(): Promise<SlurmClusterInfo & { limits: SlurmLimits }> {
    const [limits, sinfo] = await Promise.all([this.limits(), this.exec(['bash', '-c', SINFO_SCRIPT])]);
    return { limits, ...parseSinfo(sinfo.stdout) };
  }

  /** Array tasks of the cluster user pending in squeue, any series' (placement of multi-host series). */
  async pendingTasks(): Promise<number> {
    const result = await this.exec(['bash', '-c', PENDING_TASKS_SCRIPT]);
    return Number(result.stdout.trim()) || 0;
  }

  protected sweepFor(series: SeriesSpec): Sweep {
    return sweepOf(series);
  }

  /** Post-processing runs where setup does (the login node), not as a job: see docs/postprocess.md. */
  async postprocess(
    series: SeriesSpec,
    storageRoot: string | Storage,
    { signal }: StepOptions = {},
  ): Promise<PostprocessResult> {
    return postprocessSeries(
      this.transport,
      this.seriesDirFor(series),
      series,
      this.host,
      storageRoot,
      signal,
    );
  }

  async submit(series: SeriesSpec, chunk: ChunkSpec, { signal }: StepOptions = {}): Promise<SubmitResult> {
    const ranges = chunkRanges(chunk);
    const size = rangesSize(ranges);
    if (size === 0) throw new HostInputError(`chunk ${chunk.chunkIndex} has no run to submit`);
    const limits = await this.limits();
    if (size > limits.maxArraySize) {
      throw new HostInputError(
        `chunk ${chunk.chunkIndex} has ${size} runs, more than MaxArraySize ${limits.maxArraySize}`,
      );
    }
    // A maxRunning quota caps the array's throttle (hosts/slurm/share.ts).
    const throttle = arrayThrottleOf(this.host, series);
    const script = renderSbatchScript({
      series,
      chunk,
      size,
      host: { ...this.host, ...(throttle !== undefined ? { arrayThrottle: throttle } : {}) },
    });
    const asArgument = Buffer.byteLength(script) <= SCRIPT_ARGUMENT_BYTES;
    const argv = submitCommand({
      seriesDir: this.seriesDirFor(series),
      key: chunkKey(chunk),
      jobName: jobName(series.seriesId),
      comment: chunkComment(series.seriesId, chunk),
      ranges,
      size,
      throttle,
      attempt: chunk.attempt,
      ...(asArgument ? { script } : {}),
    });
    // On SSH it runs on the host's one shell, never twice there: a shell lost under it fails the
    // step as a lost connection, and the retry finds the job (submit.sh is idempotent).
    const result = await this.transport.exec(withEnv(this.options.env, argv), {
      timeoutMs: this.commandTimeout,
      signal,
      ...(asArgument ? { shared: 'once' as const } : { stdin: script }),
    });
    if (result.code === SUBMIT_REFUSED) throw sbatchError(result.code, result.stderr);
    if (result.code === SUBMIT_UNAVAILABLE)
      throw new SlurmUnavailableError(result.stderr.trim(), result.code);
    if (result.code !== 0) {
      throw new CommandFailedError(this.transport.label, describeCommand(argv), result.code, result.stderr);
    }
    const outcome = parseSubmitOutput(result.stdout);
    if (outcome.kind === 'cancelled') {
      throw new ChunkCancelledError(`chunk ${chunk.chunkIndex} of series ${series.seriesId} was cancelled`);
    }
    return { jobId: outcome.jobId, reused: outcome.kind === 'reused' };
  }

  poll(series: SeriesSpec, request: PollRequest): Promise<PollResult> {
    return pollOne((items) => this.pollMany(items), series, request);
  }

  /** One exec: one squeue for every series asked about, then per series its ended runs and scan. */
  async pollMany(items: PollItem[]): Promise<Array<PollResult | Error>> {
    const limits = await this.limits();
    const { groups, groupOf } = groupPollItems(items);
    const argv = pollCommand({
      limit: this.options.scanLimit ?? DEFAULT_SCAN_LIMIT,
      jobcompFile: limits.jobCompType === 'jobcomp/filetxt' ? limits.jobCompLoc : undefined,
      series: groups.map((group) => ({
        seriesDir: this.seriesDirFor(group.series),
        jobName: jobName(group.series.seriesId),
        since: group.since,
        keys: [...new Set(group.chunks.map(chunkKey))],
      })),
    });
    const output = parsePollOutput((await this.exec(argv)).stdout, groups.map(askedBy));
    if (output.series.length !== groups.length) {
      throw new SlurmOutputError(`a poll of ${groups.length} series answered for ${output.series.length}`);
    }
    return items.map(({ series, request }, i): PollResult | Error => {
      const answer = output.series[groupOf[i]!]!;
      if (answer.scan.missing) {
        return new SeriesDirMissingError(
          `${this.transport.label}: ${this.seriesDirFor(series)} does not exist`,
        );
      }
      const name = jobName(series.seriesId);
      const view: SeriesPollView = {
        ...answer,
        ...output,
        squeue: output.squeue.filter((r) => r.name === name),
      };
      const held = heldOf(view, request);
      return {
        cursor: nextCursor(answer.scan),
        changes: changesOf(view, request),
        truncated: answer.scan.truncatedAt !== undefined,
        aliveJobs: aliveJobsOf(view, request),
        ...(held ? { held } : {}),
      };
    });
  }

  async collect(
    series: SeriesSpec,
    chunk: ChunkSpec,
    storageRoot: string | Storage,
    { signal }: StepOptions = {},
  ): Promise<CollectResult> {
    const { storageDir, runs, bytes } = await collectChunk(
      this.transport,
      this.seriesDirFor(series),
      chunk,
      storageRoot,
      {
        seriesId: series.seriesId,
        collect: series.collect,
        signal,
      },
    );
    return { storageDir, runs, bytes };
  }

  async cancel(series: SeriesSpec, jobIds: string[], { signal }: StepOptions = {}): Promise<void> {
    const wait = this.options.cancelWaitSeconds ?? 15;
    const argv = cancelCommand(
      this.seriesDirFor(series),
      jobName(series.seriesId),
      wait,
      jobIds.filter((id) => id !== ''),
    );
    const result = await this.transport.exec(withEnv(this.options.env, argv), {
      timeoutMs: (wait + 60) * 1000,
      signal,
    });
    if (result.code === SUBMIT_UNAVAILABLE)
      throw new SlurmUnavailableError(result.stderr.trim(), result.code);
    if (result.code !== 0) {
      throw new CommandFailedError(this.transport.label, describeCommand(argv), result.code, result.stderr);
    }
    const { remaining } = parseCancelOutput(result.stdout);
    if (remaining > 0) {
      throw new CommandFailedError(this.transport.label, 'scancel', 1, `${remaining} jobs still in squeue`);
    }
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  protected seriesDirFor(series: Pick<SeriesSpec, 'seriesId'>): string {
    return seriesDirOf(this.host, series.seriesId);
  }

  private get commandTimeout(): number {
    return this.options.commandTimeoutMs ?? 60_000;
  }

  /** The read-only commands (limits, sinfo, polls): on SSH they share the host's one shell (no exec's start). */
  private exec(argv: string[]) {
    return execChecked(this.transport, withEnv(this.options.env, argv), {
      timeoutMs: this.commandTimeout,
      shared: 'read-only',
    });
  }
}

/** What one series' askers see of a poll: squeue's records of its jobs, and its own sections. */
export type SeriesPollView = Omit<PollOutput, 'series'> & SeriesPollOutput;

/**
 * Run changes of the polled chunks: what the exit-file scan saw (of the chunk's attempt),
 * and the runs the scheduler ended without an exit file, with its reason.
 */
export function changesOf(output: SeriesPollView, request: PollRequest): RunChange[] {
  const chunks = request.chunks.map((chunk) => ({ chunk, ranges: chunkRanges(chunk), key: chunkKey(chunk) }));
  const chunkOf = (index: number) => chunks.find((c) => inRanges(index, c.ranges));
  const changes = new Map<number, RunChange>();
  for (const { attempt, dir: _dir, ...change } of output.scan.runs) {
    const owner = chunkOf(change.index);
    if (!owner || attempt !== owner.chunk.attempt) continue;
    changes.set(change.index, change);
  }
  for (const ended of output.ended) {
    const owner = chunkOf(ended.index);
    if (!owner || owner.key !== ended.key) continue;
    const meaning = meaningOfState(ended.state);
    if (meaning.alive || meaning.state === 'succeeded') continue;
    // The scheduler's word wins over a signal's exit code (a killed run is TIMEOUT, CANCELLED, …).
    // A run the scheduler stopped has no exit code of its own: whether the 143 of its TERM
    // reached the exit file is a race between SLURM's signals to the job script and to the
    // run. A FAILED task's signal code is the run's own (a segfault's 139) and is kept.
    const known = changes.get(ended.index);
    const change: RunChange = {
      index: ended.index,
      state: meaning.state,
      exitCode: meaning.reason === 'FAILED' && isExitCode(ended.exitCode) ? ended.exitCode : null,
      reason: meaning.reason ?? ended.state,
    };
    if (known?.startedAt) change.startedAt = known.startedAt;
    const endedAt = known?.endedAt ?? slurmTime(ended.endTime);
    if (endedAt) change.endedAt = endedAt;
    changes.set(ended.index, change);
  }
  return [...changes.values()].sort((a, b) => a.index - b.index);
}

/** The first reason a polled job is held for that needs a person (see squeue.ts heldReason). */
export function heldOf(output: SeriesPollView, request: PollRequest): string | undefined {
  const polled = new Set(request.chunks.map((c) => c.jobId));
  for (const record of output.squeue) {
    const held = polled.has(record.jobId) ? heldReason(record) : undefined;
    if (held) return held;
  }
  return undefined;
}

/** Jobs with a task pending or running; when squeue did not answer, every job asked about (unknown is not dead). */
export function aliveJobsOf(output: SeriesPollView, request: PollRequest): string[] {
  if (output.squeueCode !== 0) {
    return [...new Set(request.chunks.map((c) => c.jobId).filter((id): id is string => !!id))];
  }
  const alive = new Set<string>();
  for (const record of output.squeue) if (meaningOfState(record.state).alive) alive.add(record.jobId);
  return [...alive];
}
