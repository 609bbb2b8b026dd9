// Stub activities for workflow tests: a scripted host and an in-memory run table stand in for
// the SSH/SLURM host and the database, so the real workflow code (workflows/) meets every
// answer a test needs — a job that dies, one that never ends — on Temporal's time-skipping
// server. They are activities registered with real workers, not mocks of Temporal: the
// workflows call them through the same proxies, task queues and retry policies as in
// production. Each test gets its own `FakeSeries` (keyed by series id) and asserts on what
// it recorded.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ControlActivities, SeriesPlan } from '../../activities/control/types.ts';
import type { HostActivities, HostCapabilities } from '../../activities/host/types.ts';
import { inRanges, rangesOfIndices, type IndexRange } from '../../core/ranges.ts';
import { TERMINAL_RUN_STATES, type RunState, type SeriesState } from '../../core/states.ts';
import type { ChunkSpec, PollRequest, PollResult, RunChange } from '../../hosts/executor.ts';
import { noRuns } from '../../workflows/progress.ts';
import type { PostprocessOutcome } from '../../db/postprocess.ts';

export const FAKE_HOST = 'fake';

/** What a job answers to one poll: whether the host still knows it, and which runs just ended how. */
export interface JobAnswer {
  alive: boolean;
  succeed?: number[];
  fail?: number[];
  /** Runs the scheduler cancelled. */
  cancel?: number[];
}

export interface JobPoll {
  chunkIndex: number;
  /** 1 for the chunk's first submission, 2 after the first resubmit… */
  submission: number;
  /** Polls of this job so far, this one included. */
  poll: number;
  /** 1 for the chunk workflow's first run, 2 after its first continue-as-new… */
  workflowRun: number;
  /** Runs of the chunk not yet final. */
  unfinished: number[];
}

/** Default: the job finishes every run of its chunk on its first poll. */
export const finishAtOnce = (job: JobPoll): JobAnswer => ({ alive: true, succeed: job.unfinished });

export interface RecordedCall {
  activity: string;
  args: unknown[];
  workflowId: string;
  runId: string;
}

export interface FakeSeriesOptions {
  count: number;
  caps?: Partial<HostCapabilities>;
  script?: (job: JobPoll) => JobAnswer;
  /** `loadSeries` answers once this settles (default: at once). */
  loaded?: Promise<void>;
  /** The application's post-processing command and what the host answers it: an exit code, or an error thrown. */
  postprocess?: { command: string; exitCode?: number; error?: string };
}

export class FakeSeries {
  readonly calls: RecordedCall[] = [];
  readonly runs: RunState[];
  readonly reasons = new Map<number, string>();
  state: SeriesState = 'staging';
  readonly caps: HostCapabilities;
  private readonly script: (job: JobPoll) => JobAnswer;
  readonly loaded: Promise<void>;
  readonly postprocess: FakeSeriesOptions['postprocess'];
  /** What `recordPostprocess` recorded, in order. */
  readonly postprocessOutcomes: PostprocessOutcome[] = [];
  private readonly submissions = new Map<number, number>();
  private readonly jobs = new Map<string, { chunkIndex: number; submission: number; polls: number }>();
  private readonly workflowRuns = new Map<string, string[]>();
  private cursors = 0;

  constructor(
    readonly seriesId: string,
    options: FakeSeriesOptions,
  ) {
    this.runs = Array.from({ length: options.count }, () => 'pending' as RunState);
    // Minutes, not milliseconds: only the time-skipping server makes such a series end at once.
    this.caps = {
      chunkSize: options.count,
      window: 4,
      pollMinMs: 60_000,
      pollMaxMs: 3_600_000,
      ...options.caps,
    };
    this.script = options.script ?? finishAtOnce;
    this.loaded = options.loaded ?? Promise.resolve();
    this.postprocess = options.postprocess;
  }

  /** The calls of one activity, in order. */
  callsOf(activity: string): RecordedCall[] {
    return this.calls.filter((call) => call.activity === activity);
  }

  /** The workflow runs (run ids, in order of their first activity) of one workflow id. */
  runIdsOf(workflowId: string): string[] {
    return this.workflowRuns.get(workflowId) ?? [];
  }

  record(activity: string, args: unknown[]): void {
    const { workflowId, runId } = caller();
    this.calls.push({ activity, args, workflowId, runId });
    const runIds = this.workflowRuns.get(workflowId) ?? [];
    if (!runIds.includes(runId)) this.workflowRuns.set(workflowId, [...runIds, runId]);
  }

  unfinished(ranges: IndexRange[]): number[] {
    return this.runs.flatMap((state, i) =>
      inRanges(i, ranges) && !TERMINAL_RUN_STATES.includes(state) ? [i] : [],
    );
  }

  /** The runs of `ranges` by state. */
  countsIn(ranges: IndexRange[]): Record<RunState, number> {
    const counts = noRuns();
    this.runs.forEach((state, i) => {
      if (inRanges(i, ranges)) counts[state]++;
    });
    return counts;
  }

  submit(chunk: ChunkSpec): string {
    const submission = (this.submissions.get(chunk.chunkIndex) ?? 0) + 1;
    this.submissions.set(chunk.chunkIndex, submission);
    const jobId = `job-${chunk.chunkIndex}-${submission}`;
    this.jobs.set(jobId, { chunkIndex: chunk.chunkIndex, submission, polls: 0 });
    return jobId;
  }

  poll(request: PollRequest): PollResult {
    const [chunk] = request.chunks;
    const job = this.jobs.get(chunk?.jobId ?? '');
    if (!chunk || !job) throw new Error(`poll of an unknown job: ${JSON.stringify(request.chunks)}`);
    job.polls++;
    const { workflowId, runId } = caller();
    const answer = this.script({
      chunkIndex: job.chunkIndex,
      submission: job.submission,
      poll: job.polls,
      workflowRun: this.runIdsOf(workflowId).indexOf(runId) + 1,
      unfinished: this.unfinished([[chunk.offset, chunk.offset + chunk.length]]),
    });
    const changes: RunChange[] = [
      ...(answer.succeed ?? []).map((index) => ({ index, state: 'succeeded' as const, exitCode: 0 })),
      ...(answer.fail ?? []).map((index) => ({ index, state: 'failed' as const, exitCode: 1 })),
      ...(answer.cancel ?? []).map((index) => ({ index, state: 'cancelled' as const })),
    ];
    return {
      cursor: `cursor-${++this.cursors}`,
      changes,
      truncated: false,
      aliveJobs: answer.alive ? [chunk.jobId!] : [],
    };
  }

  plan(): SeriesPlan {
    return {
      spec: {
        seriesId: this.seriesId,
        ini: '',
        configFile: 'config.ini',
        command: 'true',
        resources: {},
        count: this.runs.length,
        maxTuples: this.runs.length,
        ...(this.postprocess ? { postprocess: this.postprocess.command } : {}),
      },
      host: { name: FAKE_HOST, kind: 'local', workdir: '/nonexistent' },
      state: this.state,
      attempt: 1,
      count: this.runs.length,
    };
  }
}

/** Every fake series of a test file, by id: the activities find theirs from their arguments. */
export class FakeWorld {
  private readonly series = new Map<string, FakeSeries>();

  add(seriesId: string, options: FakeSeriesOptions): FakeSeries {
    const fake = new FakeSeries(seriesId, options);
    this.series.set(seriesId, fake);
    return fake;
  }

  private of(seriesId: string, activity: string, args: unknown[]): FakeSeries {
    const fake = this.series.get(seriesId);
    if (!fake) throw new Error(`${activity}: no fake series ${seriesId}`);
    fake.record(activity, args);
    return fake;
  }

  controlActivities(): ControlActivities {
    const of = (seriesId: string, activity: string, args: unknown[]) => this.of(seriesId, activity, args);
    const mark = (fake: FakeSeries, indices: number[], state: RunState) => {
      for (const i of indices) fake.runs[i] = state;
    };
    return {
      async loadSeries(seriesId) {
        const fake = of(seriesId, 'loadSeries', [seriesId]);
        await fake.loaded;
        return fake.plan();
      },
      async setSeriesState(seriesId, state, reason) {
        of(seriesId, 'setSeriesState', [state, reason]).state = state;
      },
      async noteSeriesHeld(seriesId, held) {
        of(seriesId, 'noteSeriesHeld', [held]);
      },
      async drainedHosts() {
        return []; // the fake's series run on one host: never asked
      },
      async quotaHold(seriesId) {
        of(seriesId, 'quotaHold', []);
        return null;
      },
      async createRuns(seriesId) {
        return of(seriesId, 'createRuns', []).runs.length;
      },
      async markQueued(seriesId, ranges, jobId) {
        const fake = of(seriesId, 'markQueued', [ranges, jobId]);
        mark(fake, fake.unfinished(ranges), 'queued');
      },
      async releaseRuns(seriesId, ranges) {
        const fake = of(seriesId, 'releaseRuns', [ranges]);
        const released = fake.unfinished(ranges);
        mark(fake, released, 'pending');
        return rangesOfIndices(released);
      },
      async markOutputsLeft(seriesId, host, ranges) {
        of(seriesId, 'markOutputsLeft', [host, ranges]);
        return 0; // the fake's series run on one host: never lost
      },
      async recordRunChanges(seriesId, attempt, changes, ranges) {
        const fake = of(seriesId, 'recordRunChanges', [changes, ranges]);
        for (const change of changes) fake.runs[change.index] = change.state;
        return { remaining: fake.unfinished(ranges).length, counts: fake.countsIn(ranges) };
      },
      async failUnfinishedRuns(seriesId, ranges, reason) {
        const fake = of(seriesId, 'failUnfinishedRuns', [ranges, reason]);
        const lost = fake.unfinished(ranges);
        mark(fake, lost, 'failed');
        for (const i of lost) fake.reasons.set(i, reason);
        return lost.length;
      },
      async indexChunk(seriesId, ranges) {
        of(seriesId, 'indexChunk', [ranges]);
        return { files: 0, bytes: 0 };
      },
      async archiveSeries(seriesId) {
        of(seriesId, 'archiveSeries', []);
        return { path: '/nonexistent/archive.tar', size: 0 };
      },
      async recordPostprocess(seriesId, outcome) {
        of(seriesId, 'recordPostprocess', [outcome]).postprocessOutcomes.push(outcome);
      },
      async finishSeries(seriesId) {
        const fake = of(seriesId, 'finishSeries', []);
        fake.state = fake.runs.every((s) => s === 'succeeded') ? 'completed' : 'completed_with_failures';
        return fake.state;
      },
      async recordCancelled(seriesId) {
        const fake = of(seriesId, 'recordCancelled', []);
        mark(fake, fake.unfinished([[0, fake.runs.length]]), 'cancelled');
        fake.state = 'cancelled';
      },
    };
  }

  hostActivities(): HostActivities {
    const of = (seriesId: string, activity: string, args: unknown[]) => this.of(seriesId, activity, args);
    return {
      async checkHost() {
        throw new Error('checkHost is not faked: no workflow test needs it');
      },
      async describeLoad() {
        return {}; // the fake's series run on one host: never asked
      },
      async describeHost() {
        // The host spec does not name the series: the series is the one whose workflow asks.
        return of(seriesIdOf(caller().workflowId), 'describeHost', []).caps;
      },
      async stageSeries(host, series) {
        of(series.seriesId, 'stageSeries', []);
        return { seriesDir: `/nonexistent/${series.seriesId}` };
      },
      async stageChunk(host, series, chunk) {
        of(series.seriesId, 'stageChunk', [chunk]);
      },
      async setupSeries(host, series) {
        of(series.seriesId, 'setupSeries', []);
        return { exitCode: 0, outputTail: '' };
      },
      async postprocessSeries(host, series) {
        const answer = of(series.seriesId, 'postprocessSeries', [series.postprocess]).postprocess;
        // Not retryable, so that a failing host step ends at once instead of after the retries' back-off.
        if (answer?.error) throw ApplicationFailure.nonRetryable(answer.error, 'HostInputError');
        return { exitCode: answer?.exitCode ?? 0, outputTail: '', files: 0, bytes: 0, refused: [] };
      },
      async submitChunk(host, series, chunk) {
        const fake = of(series.seriesId, 'submitChunk', [chunk]);
        return { jobId: fake.submit(chunk), reused: false };
      },
      async pollChunks(host, series, request) {
        return of(series.seriesId, 'pollChunks', [request]).poll(request);
      },
      async collectChunk(host, series, chunk) {
        of(series.seriesId, 'collectChunk', [chunk]);
        return { storageDir: '/nonexistent', runs: chunk.length, bytes: 0 };
      },
      async cancelSeries(host, series, jobIds) {
        of(series.seriesId, 'cancelSeries', [jobIds]);
      },
    };
  }
}

/** The workflow execution whose activity this is. */
function caller(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('a fake activity was called outside a workflow');
  return execution;
}

/** `series-<id>` and `series-<id>/chunk-<k>…` → `<id>`. */
function seriesIdOf(workflowId: string): string {
  return workflowId.replace(/^series-/, '').replace(/\/.*$/, '');
}
