// `npm run bench -- many [N] [--series=S]`: S (10) series of N (100) runs of a short program,
// each by a different member, on three hosts (local, an ssh workstation over a real sshd, a
// SLURM cluster of its own over the same sshd), all POSTed at the same moment and followed to
// the end, every run checked recorded. Every command each host receives is counted where it
// leaves for the host (bench/many/counting.ts), so the bench shows whether the status
// commands stay at one per host per poll interval however many series are in flight.
// Baseline, in the same process and stack, first: the same work per host as one series each
// (three series at once). Prints one JSON line per round, then the comparison:
// {"bench":"many", …, "ratio": wall time of the S series / the baseline's}. Exits 1 when a
// series does not complete with every run succeeded.
import { Client, Connection } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { startTemporalDevServer } from '../workers/dev-server.ts';
import { hostCapabilities } from '../workers/capabilities.ts';
import type { Executor, HostKind } from '../hosts/executor.ts';
import { startTestStack, type InProcessStack } from '../test/support/stack.ts';
import { CommandLog, countHostCommands } from './many/counting.ts';
import { hostFigures } from './many/figures.ts';
import { readSeriesHistories } from './scale/histories.ts';
import { runRound, type PlannedSeries, type RoundResult } from './many/round.ts';
import { setUpWorld, type ManyWorld } from './many/setup.ts';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100);
const seriesCount = Number(
  /^--series=(\d+)$/.exec(args.find((a) => a.startsWith('--series=')) ?? '')?.[1] ?? 10,
);
/** A short program: a run is mostly the orchestration around it. */
const program = 'sleep 0.05';
const KINDS: Record<string, HostKind> = { local: 'local', ws: 'ssh', cluster: 'slurm' };

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** The host's shortest poll interval: what the poll batcher spaces its status commands by. */
async function pollIntervalOf(host: string): Promise<number> {
  const caps = await hostCapabilities({ host: { name: host, kind: KINDS[host]! } } as unknown as Executor);
  return caps.pollMinMs;
}

/** Activity seconds (scheduled → completed, summed over a series' workflows) by type: the largest of a host's series. */
async function activitySeconds(
  client: Client,
  round: RoundResult,
  host: string,
): Promise<Record<string, number>> {
  const most: Record<string, number> = {};
  for (const series of round.series.filter((s) => s.host === host)) {
    const { activitySeconds } = await readSeriesHistories(client, series.id);
    for (const [type, seconds] of Object.entries(activitySeconds))
      most[type] = Math.max(most[type] ?? 0, Math.round(seconds * 10) / 10);
  }
  return most;
}

async function measure(
  client: Client,
  stack: InProcessStack,
  log: CommandLog,
  world: ManyWorld,
  label: string,
  plan: PlannedSeries[],
): Promise<{ round: RoundResult; figures: Record<string, unknown> }> {
  const loadBefore = load();
  const round = await runRound(stack, label, plan);
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const host of world.hosts)
    hosts[host] = {
      ...hostFigures(round, log.commands, host, await pollIntervalOf(host)),
      activity_s_most: await activitySeconds(client, round, host),
    };
  const figures = {
    bench: 'many',
    round: label,
    series: plan.length,
    runs_per_series: [...new Set(plan.map((p) => p.n))],
    program,
    wall_s: Math.round((round.endedAt - round.postedAt) / 100) / 10,
    load_before: loadBefore,
    load_after: load(),
    hosts,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  return { round, figures };
}

const temporal = await startTemporalDevServer({ port: 0, uiPort: false });
const log = new CommandLog();
countHostCommands(log);
const connection = await Connection.connect({ address: temporal.address });
const client = new Client({ connection, namespace: temporal.namespace });
let stack: InProcessStack | undefined;
let world: ManyWorld | undefined;
let failed = false;
try {
  stack = await startTestStack({ temporalAddress: temporal.address });
  world = await setUpWorld(stack, { members: seriesCount, program });
  const hostOf = (i: number) => world!.hosts[i % world!.hosts.length]!;
  const many: PlannedSeries[] = world.tokens.map((token, i) => ({ token, host: hostOf(i), n }));
  // The same runs per host, as one series each (by three of the members).
  const baseline: PlannedSeries[] = world.hosts.map((host, i) => ({
    token: world!.tokens[i]!,
    host,
    n: many.filter((s) => s.host === host).reduce((sum, s) => sum + s.n, 0),
  }));

  const base = await measure(client, stack, log, world, 'baseline: one series per host', baseline);
  const ours = await measure(client, stack, log, world, `${seriesCount} series at once`, many);

  const broken = [...base.round.series, ...ours.round.series].filter(
    (s) => s.state !== 'completed' || s.succeeded !== s.n,
  );
  failed = broken.length > 0;
  const perHost = (figures: Record<string, unknown>, host: string) =>
    (
      figures.hosts as Record<
        string,
        { wall_s: number; status_execs: { max_per_interval: number; total: number } }
      >
    )[host]!;
  const comparison = {
    bench: 'many',
    n,
    series: seriesCount,
    hosts: Object.fromEntries(
      world.hosts.map((host) => {
        const [b, o] = [perHost(base.figures, host), perHost(ours.figures, host)];
        return [
          host,
          {
            wall_s: o.wall_s,
            baseline_wall_s: b.wall_s,
            ratio: Math.round((o.wall_s / b.wall_s) * 100) / 100,
            max_status_execs_per_interval: o.status_execs.max_per_interval,
            baseline_max_status_execs_per_interval: b.status_execs.max_per_interval,
            status_execs: o.status_execs.total,
            baseline_status_execs: b.status_execs.total,
          },
        ];
      }),
    ),
    ours_s: ours.figures.wall_s,
    baseline: 'the same runs per host as one series each, at once',
    baseline_s: base.figures.wall_s,
    ratio: Math.round(((ours.figures.wall_s as number) / (base.figures.wall_s as number)) * 100) / 100,
    every_run_recorded: !failed,
  };
  process.stdout.write(`${JSON.stringify(comparison)}\n`);
  for (const s of broken)
    process.stderr.write(
      `many: series ${s.id} on ${s.host} ended ${s.state}, ${s.succeeded} of ${s.n} succeeded\n`,
    );
} finally {
  // The stack before its hosts: its workers' last polls and SSH connections end cleanly.
  for (const stop of [
    () => connection.close(),
    () => stack?.stop(),
    () => world?.stop(),
    () => temporal.stop(),
  ])
    await Promise.resolve(stop()).catch((error: unknown) => console.error('stopping:', error));
}
process.exit(failed ? 1 : 0);
