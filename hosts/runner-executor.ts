// The Executor of hosts without a scheduler — the local machine and SSH workstations —
// over a Transport: staging as tar streams, one detached runner per chunk
// (hosts/runner/tuplet-runner.sh) that survives the worker and the SSH connection, one scan
// per poll, one tar stream per collect, and cancel by process group. The runner and the setup
// script start under `env -i` with the allowlisted environment and the admin's variables
// (hosts/runner/environment.ts); a local host with a `runUser` runs every command as that
// account (hosts/run-as-user.ts).
import type { Storage } from '../files/storage/types.ts';
import os from 'node:os';
import path from 'node:path';
import { inRanges } from '../core/ranges.ts';
import type { Sweep } from '../sweep/index.ts';
import { collectChunk, type ChunkCollectResult } from './collect.ts';
import { HostInputError } from './errors.ts';
import type {
  ChunkSpec,
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
} from './executor.ts';
import type { PackageLimits } from './package.ts';
import { admissionLine, poolDirOf } from './admission.ts';
import { askedBy, groupPollItems, pollOne } from './poll-groups.ts';
import { RunAsUserTransport } from './run-as-user.ts';
import { adminEnvironment, cleanEnvCommand } from './runner/environment.ts';
import {
  ScanParseError,
  nextCursor,
  parseScanManyOutput,
  runnerChunkLists,
  scanManyCommand,
  type ScannedRunner,
} from './scan.ts';
import {
  RUNNER_PATH,
  checkedConfigFile,
  chunkRanges,
  execChecked,
  formatRanges,
  seriesDirOf,
  sweepOf,
} from './staging.ts';
import { postprocessSeries } from './postprocess.ts';
import type { Transport } from './transport.ts';
import { SeriesDirSteps } from './executor-steps.ts';

export interface RunnerExecutorOptions {
  /** Slots when the host sets none and has no GPUs (default: the host's cores, asked once). */
  defaultSlots?: number;
  /** Seconds between TERM and KILL when cancelling (default 5). */
  cancelGraceSeconds?: number;
  packageLimits?: PackageLimits;
  /** Runs reported by one poll at most (default 20,000). */
  scanLimit?: number;
  /** Time limit of short commands (submit, poll, cancel); default 60 s. */
  commandTimeoutMs?: number;
}

export class ChunkCancelledError extends Error {
  override name = 'ChunkCancelledError';
}

export class SeriesDirMissingError extends Error {
  override name = 'SeriesDirMissingError';
}

/** jobId of a chunk runner: chunk, attempt, PID and the PID's start time (PIDs get reused). */
export function runnerJobId(
  runner: Pick<ScannedRunner, 'chunkIndex' | 'attempt' | 'pid' | 'startTime'>,
): string {
  return `runner-${runner.chunkIndex}-${runner.attempt}-${runner.pid}-${runner.startTime}`;
}

/**
 * The runner's SHARE, QUOTA and QUOTA_REASON arguments (hosts/runner/tuplet-runner.sh): whose
 * runs these are for the fair share, and the maxRunning quota's pool. Words the runner checks
 * again; a name that is not one is left out (the runner then counts the series on its own).
 */
export function runnerShareArguments(series: Pick<SeriesSpec, 'fairShare' | 'runningQuota'>): string[] {
  const word = /^[A-Za-z0-9_-]{1,64}$/;
  const share = series.fairShare;
  const shareArg =
    share && word.test(share.user) && Number.isInteger(share.weight) && share.weight >= 1
      ? `${share.user} ${Math.min(share.weight, 999_999)} ${share.rank}`
      : '';
  const quota = series.runningQuota;
  if (!quota || !word.test(quota.key)) return [shareArg];
  return [shareArg, `${quota.key} ${Math.max(0, Math.min(quota.limit, 999_999))}`, quota.reason];
}

export class RunnerExecutor extends SeriesDirSteps implements Executor {
  private readonly sweeps = new Map<string, Sweep>();
  private slotsProbe: Promise<number> | undefined;
  /** The host's transport; on a local host with a runUser, every command runs as that account. */
  readonly transport: Transport;

  constructor(
    readonly host: HostSpec,
    transport: Transport,
    protected readonly options: RunnerExecutorOptions = {},
  ) {
    super();
    if (host.kind !== 'local' && host.kind !== 'ssh') {
      throw new HostInputError(`the runner executor serves local and ssh hosts, not ${host.kind}`);
    }
    if (host.runUser && host.kind !== 'local') {
      throw new HostInputError(
        `host ${host.name}: runUser is for local hosts (an ssh host runs as its user)`,
      );
    }
    this.transport = host.runUser ? new RunAsUserTransport(transport, host.runUser) : transport;
  }

  seriesDir(seriesId: string): string {
    return seriesDirOf(this.host, seriesId);
  }

  protected seriesDirFor(series: Pick<SeriesSpec, 'seriesId'>): string {
    return this.seriesDir(series.seriesId);
  }

  async postprocess(
    series: SeriesSpec,
    storageRoot: string | Storage,
    { signal }: StepOptions = {},
  ): Promise<PostprocessResult> {
    return postprocessSeries(
      this.transport,
      this.seriesDir(series.seriesId),
      series,
      this.host,
      storageRoot,
      signal,
    );
  }

  async submit(series: SeriesSpec, chunk: ChunkSpec, { signal }: StepOptions = {}): Promise<SubmitResult> {
    const seriesDir = this.seriesDir(series.seriesId);
    const config = checkedConfigFile(series.configFile);
    const ranges = chunkRanges(chunk);
    const { slots, gpus } = await this.slotsAndGpus();
    // The runner's environment is what its runs get, plus their TUPLET_* variables.
    const argv = cleanEnvCommand(adminEnvironment(series, this.host), [
      'bash',
      path.posix.join(seriesDir, RUNNER_PATH),
      'start',
      seriesDir,
      series.seriesId,
      config,
      String(chunk.chunkIndex),
      String(chunk.attempt),
      // A maxRunning quota without its pool (a plan loaded before pools): the runner uses that
      // many of the pool's units at most.
      String(
        series.maxRunning !== undefined && !series.runningQuota
          ? Math.max(1, Math.min(slots, series.maxRunning))
          : slots,
      ),
      String(gpus),
      formatRanges(ranges),
      admissionLine(this.host.admission),
      ...runnerShareArguments(series),
    ]);
    const { stdout } = await execChecked(this.transport, argv, {
      timeoutMs: this.commandTimeout,
      signal,
    });
    const match = /^(started|running|finished|cancelled) (\d+) (\S+)$/m.exec(stdout);
    if (!match) throw new Error(`${this.transport.label}: unexpected answer of the runner: ${stdout.trim()}`);
    const [, verdict, pid, startTime] = match as unknown as [string, string, string, string];
    if (verdict === 'cancelled') {
      throw new ChunkCancelledError(`chunk ${chunk.chunkIndex} of series ${series.seriesId} was cancelled`);
    }
    const jobId = runnerJobId({
      chunkIndex: chunk.chunkIndex,
      attempt: chunk.attempt,
      pid: Number(pid),
      startTime,
    });
    return { jobId, reused: verdict !== 'started' };
  }

  poll(series: SeriesSpec, request: PollRequest): Promise<PollResult> {
    return pollOne((items) => this.pollMany(items), series, request);
  }

  /** One exec: the scan of every series asked about. */
  async pollMany(items: PollItem[]): Promise<Array<PollResult | Error>> {
    const { groups, groupOf } = groupPollItems(items);
    const argv = scanManyCommand(
      groups.map((group) => ({
        seriesDir: this.seriesDir(group.series.seriesId),
        ...(group.since !== undefined ? { since: group.since } : {}),
        lists: runnerChunkLists(group.chunks.map((chunk) => chunk.chunkIndex)),
      })),
      this.options.scanLimit,
      { poolDir: poolDirOf(this.host.workdir), line: admissionLine(this.host.admission) },
    );
    // Read-only: on SSH it runs on the host's one shell, not an exec of its own.
    const { stdout } = await execChecked(this.transport, argv, {
      timeoutMs: this.commandTimeout,
      shared: 'read-only',
    });
    const scans = parseScanManyOutput(stdout, groups.map(askedBy));
    if (scans.length !== groups.length) {
      throw new ScanParseError(`a poll of ${groups.length} series answered for ${scans.length}`);
    }
    return items.map(({ series, request }, i): PollResult | Error => {
      const scan = scans[groupOf[i]!]!;
      const seriesDir = this.seriesDir(series.seriesId);
      if (scan.missing)
        return new SeriesDirMissingError(`${this.transport.label}: ${seriesDir} does not exist`);
      const changes: RunChange[] = [];
      for (const run of scan.runs) {
        const chunk = request.chunks.find((c) => inRanges(run.index, chunkRanges(c)));
        // Files left by an earlier attempt are not news about this one.
        if (!chunk || (run.attempt !== undefined && run.attempt !== chunk.attempt)) continue;
        const { dir: _dir, attempt: _attempt, ...change } = run;
        changes.push(change);
      }
      const aliveJobs = scan.runners.filter((r) => r.alive).map(runnerJobId);
      // A waiting file left by a runner that is gone says nothing any more.
      const held = aliveJobs.length > 0 ? scan.waiting : undefined;
      return {
        cursor: nextCursor(scan),
        changes,
        truncated: scan.truncatedAt !== undefined,
        aliveJobs,
        // The waiting file names its rule: `admission: …` or a maxRunning quota's reason.
        ...(held !== undefined ? { held } : {}),
      };
    });
  }

  collect(
    series: SeriesSpec,
    chunk: ChunkSpec,
    storageRoot: string | Storage,
    { signal }: StepOptions = {},
  ): Promise<ChunkCollectResult> {
    return collectChunk(this.transport, this.seriesDir(series.seriesId), chunk, storageRoot, {
      seriesId: series.seriesId,
      signal,
      ...(series.collect ? { collect: series.collect } : {}),
    });
  }

  /** Kills every runner and run of the series (TERM, then KILL); nothing is left running. */
  async cancel(series: SeriesSpec, _jobIds: string[], { signal }: StepOptions = {}): Promise<void> {
    const grace = this.options.cancelGraceSeconds ?? 5;
    const script = `[ -f "$1/${RUNNER_PATH}" ] || exit 0
exec bash "$1/${RUNNER_PATH}" cancel "$1" "$2"`;
    await execChecked(
      this.transport,
      ['bash', '-c', script, 'tuplet-cancel', this.seriesDir(series.seriesId), String(grace)],
      {
        timeoutMs: (grace + 30) * 1000,
        signal,
      },
    );
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private get commandTimeout(): number {
    return this.options.commandTimeoutMs ?? 60_000;
  }

  protected sweepFor(series: SeriesSpec): Sweep {
    const key = `${series.seriesId}\0${series.maxTuples}\0${series.ini}`;
    let sweep = this.sweeps.get(key);
    if (!sweep) {
      if (series.ini === '')
        throw new HostInputError(`series ${series.seriesId}: staging needs the INI template`);
      sweep = sweepOf(series);
      if (this.sweeps.size >= 8) this.sweeps.delete(this.sweeps.keys().next().value!);
      this.sweeps.set(key, sweep);
    }
    return sweep;
  }

  /** GPU hosts default to one slot per GPU; others to the configured slots or the host's cores. */
  private async slotsAndGpus(): Promise<{ slots: number; gpus: number }> {
    const gpus = Math.max(0, this.host.gpus ?? 0);
    if (this.host.slots && this.host.slots > 0) return { slots: this.host.slots, gpus };
    if (gpus > 0) return { slots: gpus, gpus };
    if (this.options.defaultSlots) return { slots: this.options.defaultSlots, gpus };
    this.slotsProbe ??= this.probeCores();
    return { slots: await this.slotsProbe, gpus };
  }

  private async probeCores(): Promise<number> {
    if (this.host.kind === 'local') return os.availableParallelism();
    const result = await this.transport.exec(['nproc'], {
      timeoutMs: this.commandTimeout,
      shared: 'read-only',
    });
    const cores = Number(result.stdout.trim());
    return result.code === 0 && Number.isInteger(cores) && cores > 0 ? cores : 1;
  }
}
