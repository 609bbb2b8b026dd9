// The scheduler-neutral interface every kind of host implements (local, ssh, slurm).
// Host activities call these methods on the worker that serves the host; nothing here
// touches the database. Every method is idempotent: activities run at least once.
import type { Storage } from '../files/storage/types.ts';
import type { AdmissionThresholds } from '../core/admission.ts';
import type { InputSpec } from '../core/input-format.ts';
import type { RunState } from '../core/states.ts';

export type HostKind = 'local' | 'ssh' | 'slurm';

/** A host as registered in the database (no secrets: key files are paths on the worker's machine). */
export interface HostSpec {
  name: string;
  kind: HostKind;
  address?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** Absolute directory on the host under which every series gets `<workdir>/<seriesId>/`. */
  workdir: string;
  /** Runs at once on a runner host (local, ssh); default: the host's number of cores. */
  slots?: number;
  /** GPUs of a runner host: slot i gets CUDA_VISIBLE_DEVICES of its own when set. */
  gpus?: number;
  partition?: string;
  /** SLURM: at most this many array tasks running at once per chunk (the `%throttle`). */
  arrayThrottle?: number;
  /** Variables every run on this host gets (set by an admin; not secrets: payloads show them). */
  env?: Record<string, string>;
  /** local hosts: the OS account every command and run executes as, instead of the worker's. */
  runUser?: string;
  /**
   * local/ssh hosts: runs start only while the host is below these (hosts/admission.ts);
   * `setAt` (ms) orders the host's versions: a series started before a change never brings
   * older thresholds back.
   */
  admission?: AdmissionThresholds & { setAt: number };
}

export type { AdmissionThresholds };

export interface Resources {
  partition?: string;
  /** SLURM time limit, e.g. `01:00:00`. */
  time?: string;
  cpus?: number;
  gpus?: number;
  /** e.g. `4G`. */
  memory?: string;
  account?: string;
  qos?: string;
  /** Free-form `#SBATCH` directives, one per entry, without the `#SBATCH` prefix. */
  extra?: string[];
}

/** What a host needs to know of a series: the template, never the expanded tuples. */
export interface SeriesSpec {
  seriesId: string;
  ini: string;
  configFile: string;
  command: string;
  setup?: string;
  /** Run once after the runs, in the series directory (hosts/postprocess.ts); absent: none. */
  postprocess?: string;
  /** Globs relative to the run directory; empty or absent: everything the run writes. */
  collect?: string[];
  resources: Resources;
  count: number;
  maxTuples: number;
  /**
   * Runs of the series at once at most: the tightest maxRunning quota binding it (docs/quotas.md),
   * read when the series starts; runner hosts cap the chunk runner's units with it.
   */
  maxRunning?: number;
  /**
   * The maxRunning quota as a pool shared by every series it binds on the host (runner hosts;
   * docs/quotas.md): `key` names the pool, `reason` is what a series waiting for it shows.
   */
  runningQuota?: { key: string; limit: number; reason: string };
  /** Whose runs these are when series compete for a host (docs/fair-share.md). */
  fairShare?: FairShare;
  /**
   * An uploaded package's key in storage (`packages/<id>.pkg`); the host worker sets
   * `packagePath`, the file on its machine (withLocalInputs, hosts/local-inputs.ts).
   */
  packageKey?: string;
  /** A package (zip or tar) on the worker's machine to unpack into the series directory. */
  packagePath?: string;
  /** Variables every run of the application gets (its snapshot's, set by an admin). */
  env?: Record<string, string>;
  /** What each run receives (its snapshot's); absent: the INI config alone, as before. */
  input?: InputSpec;
  /** Datasets every run sees at its mount path (hosts/dataset-staging.ts); absent: none. */
  datasets?: StagedDataset[];
}

/** A dataset version as staging places it (docs/datasets.md). */
export interface StagedDataset {
  name: string;
  version: number;
  /** Relative to each run directory, checked by the API (default `inputs/<name>`). */
  mountPath: string;
  /** An uploaded archive: its key in storage; the host worker sets `file`, a copy on its disk. */
  storageKey?: string;
  file?: string;
  /** A directory already on the host: linked, never copied. */
  hostPath?: string;
}

/** A series' claim on a host's units: its owner, the owner's group weight, its priority rank. */
export interface FairShare {
  /** The owner's id (a name on the host's disk: [a-z0-9]). */
  user: string;
  /** groups.share of the series' group (1 without one). */
  weight: number;
  /** 0 low, 1 normal, 2 high: orders release among the user's own series. */
  rank: 0 | 1 | 2;
}

export interface ChunkSpec {
  chunkIndex: number;
  offset: number;
  length: number;
  /** Reruns: only these indices (ranges, end exclusive); absent means the whole chunk. */
  ranges?: Array<[start: number, endExclusive: number]>;
  attempt: number;
}

export interface SubmitResult {
  /** Scheduler job id (SLURM array job id) or runner id (pid of the detached runner). */
  jobId: string;
  /** True when an existing submission was found instead of submitting again. */
  reused: boolean;
}

export interface RunChange {
  index: number;
  state: RunState;
  exitCode?: number | null;
  /** Scheduler's reason for failures: TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, CANCELLED, … */
  reason?: string;
  startedAt?: string;
  endedAt?: string;
}

export interface PollRequest {
  chunks: Array<ChunkSpec & { jobId?: string }>;
  /** Opaque cursor returned by the previous poll; absent on the first. */
  cursor?: string;
}

/** One chunk-or-more poll of one series, as one of several answered by one status round trip. */
export interface PollItem {
  series: SeriesSpec;
  request: PollRequest;
}

export interface PollResult {
  cursor: string;
  /** Runs whose state changed since the cursor (bounded; `truncated` when more remain). */
  changes: RunChange[];
  truncated: boolean;
  /** Jobs the scheduler/runner still knows as alive, by jobId. */
  aliveJobs: string[];
  /** Why the scheduler holds the polled jobs when that needs a person (e.g. `PartitionTimeLimit: …`). */
  held?: string;
}

export interface CollectResult {
  /** Directory on the worker's machine where the chunk's outputs now are. */
  storageDir: string;
  runs: number;
  bytes: number;
}

/**
 * What the caller of a host step may pass: `signal` aborts the step's commands on the host
 * (their process groups are stopped, hosts/transport.ts) and rejects with core's AbortError.
 * Host activities pass their activity's cancellation signal.
 */
export interface StepOptions {
  signal?: AbortSignal;
}

/** What the post-processing step reported (hosts/postprocess.ts runs it). */
export interface PostprocessResult {
  exitCode: number;
  outputTail: string;
  files: number;
  bytes: number;
  /** Entries refused on the way back (links, paths outside `postprocess/`). */
  refused: string[];
}

export interface Executor {
  readonly host: HostSpec;
  /** Creates `<workdir>/<series>/`, unpacks the package, writes `tuples.tsv`. */
  stageSeries(series: SeriesSpec, options?: StepOptions): Promise<{ seriesDir: string }>;
  /** Writes `runs/<dir>/<configFile>` of every tuple of the chunk, as one tar stream. */
  stageChunk(series: SeriesSpec, chunk: ChunkSpec, options?: StepOptions): Promise<void>;
  /** Runs the application's setup command once in the series directory. */
  setup(series: SeriesSpec, options?: StepOptions): Promise<{ exitCode: number; outputTail: string }>;
  /**
   * Runs the application's post-processing command in the series directory and brings its
   * `postprocess/` folder into storage under `<seriesId>/postprocess/` (hosts/postprocess.ts).
   */
  postprocess(
    series: SeriesSpec,
    storageRoot: string | Storage,
    options?: StepOptions,
  ): Promise<PostprocessResult>;
  submit(series: SeriesSpec, chunk: ChunkSpec, options?: StepOptions): Promise<SubmitResult>;
  poll(series: SeriesSpec, request: PollRequest): Promise<PollResult>;
  /**
   * Polls for several askers (chunks of one or more series) in one status round trip on the
   * host; one answer or error per item, in order (a series whose directory is gone fails
   * alone). What lets a host worker poll each host at most once per interval.
   */
  pollMany(items: PollItem[]): Promise<Array<PollResult | Error>>;
  /** Brings the chunk's outputs into storage under `<seriesId>/runs/<dir>/` (a directory: that disk). */
  collect(
    series: SeriesSpec,
    chunk: ChunkSpec,
    storageRoot: string | Storage,
    options?: StepOptions,
  ): Promise<CollectResult>;
  /** Stops every job and process of the series; records nothing itself. */
  cancel(series: SeriesSpec, jobIds: string[], options?: StepOptions): Promise<void>;
  close(): Promise<void>;
}
