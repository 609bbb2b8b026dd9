// The host activities' signatures, importable as types by workflows.
import type {
  ChunkSpec,
  CollectResult,
  HostSpec,
  PollRequest,
  PollResult,
  SeriesSpec,
  SubmitResult,
} from '../../hosts/executor.ts';
import type { PostprocessResult } from '../../hosts/executor.ts';

export interface HostCapabilities {
  /** Largest chunk (array) the host takes at once. */
  chunkSize: number;
  /** Chunks in flight at once for one series. */
  window: number;
  /** Poll interval bounds: start at min, back off to max while nothing changes. */
  pollMinMs: number;
  pollMaxMs: number;
}

/**
 * What a host reports of its load when a multi-host series places a chunk (activities/host/load.ts):
 * the work of every series there, not only this one's.
 */
export interface HostLoad {
  /** Runner hosts: units of the host's pool (slots; GPUs when fewer) held by runs now. */
  busyUnits?: number;
  /** SLURM hosts: array tasks of the cluster user pending in squeue. */
  pendingTasks?: number;
}

/** What `POST /api/v1/hosts/:name/check` answers. */
export interface HostCheck {
  ok: boolean;
  ms: number;
  error?: string;
  /** e.g. HostKeyUnknownError, SshAuthError, HostUnreachableError. */
  errorType?: string;
  cores?: number;
  gpus?: number;
  freeGpus?: number;
  partitions?: string[];
  maxArraySize?: number;
}

export interface HostActivities {
  checkHost(host: HostSpec): Promise<HostCheck>;
  describeHost(host: HostSpec): Promise<HostCapabilities>;
  /** The host's load now, for placing a chunk of a multi-host series (activities/host/load.ts). */
  describeLoad(host: HostSpec): Promise<HostLoad>;
  stageSeries(host: HostSpec, series: SeriesSpec): Promise<{ seriesDir: string }>;
  stageChunk(host: HostSpec, series: SeriesSpec, chunk: ChunkSpec): Promise<void>;
  setupSeries(host: HostSpec, series: SeriesSpec): Promise<{ exitCode: number; outputTail: string }>;
  /** The application's post-processing step, its `postprocess/` folder collected into storage. */
  postprocessSeries(host: HostSpec, series: SeriesSpec): Promise<PostprocessResult>;
  submitChunk(host: HostSpec, series: SeriesSpec, chunk: ChunkSpec): Promise<SubmitResult>;
  /** `after.ms`: wait that long first, here in the worker (workflows/chunk.ts says why). */
  pollChunks(
    host: HostSpec,
    series: SeriesSpec,
    request: PollRequest,
    after?: { ms: number },
  ): Promise<PollResult>;
  collectChunk(host: HostSpec, series: SeriesSpec, chunk: ChunkSpec): Promise<CollectResult>;
  cancelSeries(host: HostSpec, series: SeriesSpec, jobIds: string[]): Promise<void>;
}
