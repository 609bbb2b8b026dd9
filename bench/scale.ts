// `npm run bench -- scale [N] [local|slurm|both] [--postgres] [--max-array-size=M]`:
// one series of N (100,000) runs of `true` end to end on each host named (both: local, then
// SLURM), each on a fresh stack (Temporal dev server, PGlite or with --postgres a PostgreSQL
// server, the workers and the API in this process). Reports per host: wall time (POST → the
// series completed), time to the first chunk queued, every workflow run's history length and
// the largest payload in any history, peak RSS of every process at N/10 and at N, database
// rows and size, and the series page's p95 against /healthz sampled while it runs. One JSON
// line per host: {"bench":"scale","host",…,"ratio": page p95 / healthz p95}. Exits 1 when a
// bound is broken (a history over 4,096 events, a payload over 256 KiB, a run not recorded).
import { Client, Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_SERIES_STATES, type SeriesState } from '../core/states.ts';
import { startTemporalDevServer } from '../workers/dev-server.ts';
import { startPostgres, type PostgresServer } from '../test/support/postgres.ts';
import { startTestStack, type InProcessStack, type SeriesBody } from '../test/support/stack.ts';
import { databaseFigures } from '../db/sizes.ts';
import { readSeriesHistories } from './scale/histories.ts';
import { ProcessSampler, type GroupPeak } from './scale/processes.ts';
import { PageSampler } from './scale/responsiveness.ts';
import { localTarget, slurmTarget, type Target, type TargetKind } from './scale/targets.ts';

const HISTORY_BOUND = 4_096;
const PAYLOAD_BOUND = 256 * 1024;

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const which = args.find((a): a is TargetKind | 'both' => ['local', 'slurm', 'both'].includes(a)) ?? 'both';
const usePostgres = args.includes('--postgres');
const maxArraySize =
  Number(
    /^--max-array-size=(\d+)$/.exec(args.find((a) => a.startsWith('--max-array-size=')) ?? '')?.[1] ?? 0,
  ) || undefined;
const program = 'true';

/** Peak of each group at N/10 and at N, with how much the peak grew in between. */
function memoryFlatness(marks: Record<string, Record<string, GroupPeak>>) {
  const tenth = marks.n_10 ?? {};
  const end = marks.n ?? {};
  const out: Record<
    string,
    { at_n_10_mb: number; at_n_mb: number; sum_at_n_10_mb: number; sum_at_n_mb: number; processes: number }
  > = {};
  for (const [group, peak] of Object.entries(end)) {
    out[group] = {
      at_n_10_mb: tenth[group]?.process_mb ?? 0,
      at_n_mb: peak.process_mb,
      sum_at_n_10_mb: tenth[group]?.total_mb ?? 0,
      sum_at_n_mb: peak.total_mb,
      processes: peak.processes,
    };
  }
  return out;
}

/**
 * A request again after a dropped connection: under heavy load the server may close a kept-alive
 * connection just as the client reuses it (ECONNRESET). The page sampler counts those as errors.
 */
async function retryOnReset<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= 5 || !(error instanceof TypeError)) throw error;
      await sleep(1_000);
    }
  }
}

async function runOn(kind: TargetKind): Promise<{ figures: Record<string, unknown>; broken: string[] }> {
  const temporal = await startTemporalDevServer({ port: 0, uiPort: false });
  let postgres: PostgresServer | undefined;
  let stack: InProcessStack | undefined;
  let target: Target | undefined;
  let connection: Connection | undefined;
  try {
    if (usePostgres) postgres = await startPostgres();
    stack = await startTestStack({
      temporalAddress: temporal.address,
      ...(postgres ? { databaseUrl: postgres.url } : {}),
    });
    target = kind === 'local' ? await localTarget(stack) : await slurmTarget(stack, maxArraySize);
    // A page of a long history can pass gRPC's default 4 MiB (12.6 MB was seen at 100,000 runs).
    connection = await Connection.connect({
      address: temporal.address,
      channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
    });
    const client = new Client({ connection, namespace: temporal.namespace });

    const app = await stack.request('POST', '/api/v1/applications', { name: 'scale-true', command: program });
    if (app.status !== 201) throw new Error(`POST /applications: ${app.status} ${JSON.stringify(app.body)}`);

    const pgPort = postgres ? new URL(postgres.url).port : undefined;
    const processes = new ProcessSampler([
      // API, control and host workers, and PGlite when it is the database.
      { name: 'stack', pids: [process.pid] },
      { name: 'temporal', roots: () => [temporal.pid] },
      ...(pgPort
        ? [
            {
              name: 'postgres',
              roots: (all: { pid: number; cmdline: string }[]) =>
                all
                  .filter((p) => /\bpostgres\b.* -p /.test(p.cmdline) && p.cmdline.includes(` -p ${pgPort} `))
                  .map((p) => p.pid),
            },
          ]
        : []),
      ...target.processes,
    ]);
    processes.start(1_000);

    const started = performance.now();
    const postedAt = Date.now();
    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'scale-true',
      host: target.hostName,
      ini: `i = 0...1...${n - 1}\n`,
      description: `bench scale ${kind}`,
    });
    if (created.status !== 201)
      throw new Error(`POST /series: ${created.status} ${JSON.stringify(created.body)}`);
    const seriesId = created.body.id;
    const pages = new PageSampler(stack, `/series/${seriesId}`);
    pages.start(3_000);

    let tenthAt: number | undefined;
    let recordedAt: number | undefined;
    let last: SeriesBody;
    for (;;) {
      const got = await retryOnReset(() => stack!.request<SeriesBody>('GET', `/api/v1/series/${seriesId}`));
      if (got.status !== 200) throw new Error(`GET /series/${seriesId}: ${got.status}`);
      last = got.body;
      const recorded = last.counts.succeeded + last.counts.failed + last.counts.cancelled;
      if (tenthAt === undefined && recorded >= n / 10) {
        tenthAt = performance.now();
        await processes.mark('n_10');
      }
      if (recordedAt === undefined && recorded === n) recordedAt = performance.now();
      if (FINAL_SERIES_STATES.includes(last.state as SeriesState)) break;
      await sleep(1_000);
    }
    const wallS = (performance.now() - started) / 1000;
    const page = await pages.stop();
    await processes.stop();
    await processes.mark('n');

    const histories = await readSeriesHistories(client, seriesId);
    const runLengths = [histories.series, ...histories.chunks].flatMap((w) => w.runs);
    const longest = Math.max(...runLengths);
    const database = await databaseFigures(stack.stack.database.db);
    const seconds = (at: number | undefined) =>
      at === undefined ? null : +((at - started) / 1000).toFixed(1);
    const epochSeconds = (at: number | undefined) =>
      at === undefined ? null : +((at - postedAt) / 1000).toFixed(1);

    const broken: string[] = [];
    if (last.state !== 'completed') broken.push(`series ended ${last.state}`);
    if (last.counts.succeeded !== n) broken.push(`${last.counts.succeeded} of ${n} runs recorded succeeded`);
    if (longest > HISTORY_BOUND) broken.push(`a workflow run has ${longest} events (bound ${HISTORY_BOUND})`);
    if (histories.largestPayload.bytes > PAYLOAD_BOUND)
      broken.push(
        `a payload of ${histories.largestPayload.bytes} bytes in ${histories.largestPayload.workflowId} (bound ${PAYLOAD_BOUND})`,
      );

    const figures = {
      bench: 'scale',
      host: kind,
      n,
      database: usePostgres ? 'postgresql' : 'pglite',
      ...target.details,
      final_state: last.state,
      succeeded: last.counts.succeeded,
      failed: last.counts.failed,
      ours_s: +wallS.toFixed(1),
      baseline: 'GET /healthz p95 while the series runs',
      baseline_s: page.healthz_p95_s,
      ratio: page.ratio,
      series_page: page,
      post_to_first_submit_s: epochSeconds(histories.firstSubmittedAt),
      post_to_first_chunk_queued_s: epochSeconds(histories.firstQueuedAt),
      post_to_n_10_recorded_s: seconds(tenthAt),
      post_to_last_run_recorded_s: seconds(recordedAt),
      chunks: histories.chunks.length,
      series_runs: histories.series.runs,
      chunk_runs: histories.chunks.map((c) => c.runs),
      longest_history_events: longest,
      total_history_events: histories.totalEvents,
      activity_s: histories.activitySeconds,
      largest_payload_bytes: histories.largestPayload.bytes,
      largest_payload_in: `${histories.largestPayload.workflowId} ${histories.largestPayload.eventType}`,
      peak_rss: memoryFlatness(processes.marks()),
      rss_samples: processes.samples,
      db: database,
      within_bounds: broken.length === 0,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return { figures, broken };
  } finally {
    // The stack before its host: its workers' last polls and SSH connections end cleanly.
    const stops = [
      () => connection?.close(),
      () => stack?.stop(),
      () => target?.stop(),
      () => postgres?.stop(),
      () => temporal.stop(),
    ];
    for (const stop of stops)
      await Promise.resolve(stop()).catch((error: unknown) => console.error('stopping:', error));
  }
}

const kinds: TargetKind[] = which === 'both' ? ['local', 'slurm'] : [which];
let failed = false;
for (const kind of kinds) {
  const { broken } = await runOn(kind);
  if (broken.length > 0) {
    failed = true;
    process.stderr.write(`scale ${kind}: bounds broken: ${broken.join('; ')}\n`);
  }
}
process.exit(failed ? 1 : 0);
