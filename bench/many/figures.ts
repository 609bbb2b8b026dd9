// What `bench many` prints for a round, per host: the series in flight over time, the status
// commands the host received per poll interval (the host's shortest, `pollMinMs`: windows of
// that length from the POST, counted while at least one of the round's series on the host is
// in flight), how many series each status command answered for, the other commands, and the
// wall time.
import type { HostCommand } from './counting.ts';
import type { InFlightSample, RoundResult } from './round.ts';

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Series of the host in flight at `at`: the last look at or before it (all of them before the first). */
function inFlightAt(samples: InFlightSample[], host: string, at: number, planned: number): number {
  let value = planned;
  for (const sample of samples) {
    if (sample.at > at) break;
    value = sample.inFlight[host] ?? 0;
  }
  return value;
}

/** The most status commands running at once (the batcher promises one). */
function mostAtOnce(commands: HostCommand[]): number {
  const edges = commands.flatMap((c) => [
    { at: c.startedAt, step: 1 },
    { at: c.endedAt ?? Infinity, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.step));
  return most;
}

export function hostFigures(
  round: RoundResult,
  commands: HostCommand[],
  host: string,
  intervalMs: number,
): Record<string, unknown> {
  const series = round.series.filter((s) => s.host === host);
  const planned = series.length;
  const ended = Math.max(...series.map((s) => s.finishedAt));
  const mine = commands.filter(
    (c) => c.host === host && c.startedAt >= round.postedAt && c.startedAt <= ended,
  );
  const status = mine.filter((c) => c.status);

  const windows: Array<{ inFlight: number; execs: number }> = [];
  for (let start = round.postedAt; start < ended; start += intervalMs) {
    const inFlight = inFlightAt(round.samples, host, start, planned);
    if (inFlight === 0) continue;
    const execs = status.filter((c) => c.startedAt >= start && c.startedAt < start + intervalMs).length;
    windows.push({ inFlight, execs });
  }
  const maxByInFlight: Record<string, number> = {};
  for (const w of windows) maxByInFlight[w.inFlight] = Math.max(maxByInFlight[w.inFlight] ?? 0, w.execs);

  const gaps = status.slice(1).map((c, i) => c.startedAt - status[i]!.startedAt);
  const timeline: Array<[number, number]> = [[0, planned]];
  for (const sample of round.samples) {
    const value = sample.inFlight[host] ?? 0;
    if (value !== timeline.at(-1)![1]) timeline.push([round1((sample.at - round.postedAt) / 1000), value]);
  }
  const others: Record<string, number> = {};
  for (const c of mine.filter((c) => !c.status)) others[c.name] = (others[c.name] ?? 0) + 1;

  return {
    series: planned,
    runs: series.reduce((sum, s) => sum + s.n, 0),
    all_completed: series.every((s) => s.state === 'completed' && s.succeeded === s.n),
    wall_s: round1((ended - round.postedAt) / 1000),
    in_flight: { max: Math.max(0, ...timeline.map(([, k]) => k)), changes_s: timeline },
    status_execs: {
      total: status.length,
      interval_ms: intervalMs,
      intervals_in_flight: windows.length,
      max_per_interval: Math.max(0, ...windows.map((w) => w.execs)),
      mean_per_interval: windows.length ? round2(status.length / windows.length) : 0,
      max_per_interval_by_series_in_flight: maxByInFlight,
      most_at_once: mostAtOnce(status),
      least_gap_ms: gaps.length ? Math.min(...gaps) : null,
      // The polling phase: staging and submit come before it, collect and archive after.
      first_s: status.length ? round1((status[0]!.startedAt - round.postedAt) / 1000) : null,
      last_s: status.length ? round1((status.at(-1)!.startedAt - round.postedAt) / 1000) : null,
      mean_ms: status.length
        ? Math.round(
            status.reduce((sum, c) => sum + (c.endedAt ?? c.startedAt) - c.startedAt, 0) / status.length,
          )
        : 0,
      series_per_exec: {
        mean: status.length ? round2(status.reduce((sum, c) => sum + c.series, 0) / status.length) : 0,
        max: Math.max(0, ...status.map((c) => c.series)),
      },
    },
    other_commands: others,
    // When each of them ran (s since the POST): where a slow round spent its time.
    other_commands_s: mine
      .filter((c) => !c.status)
      .map((c) => [
        c.name,
        round1((c.startedAt - round.postedAt) / 1000),
        c.endedAt === undefined ? null : round1((c.endedAt - round.postedAt) / 1000),
      ]),
  };
}
