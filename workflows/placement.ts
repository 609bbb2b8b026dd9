// Where the chunks of a series over several hosts go (docs/multi-host.md). Pure: the series
// workflow asks it which host takes the next chunk and tells it when chunks start, end or a
// host is lost; unit-tested in test/workflows/placement.test.ts.
import type { HostCapabilities, HostLoad } from '../activities/host/types.ts';
import type { SeriesPlan } from '../activities/control/types.ts';
import type { HostSpec, SeriesSpec } from '../hosts/executor.ts';

/** A chunk of a multi-host series never plans more than this many chunks per host and lane. */
const CHUNKS_PER_LANE = 4;

/** The host and spec a chunk of the series runs with: its own host's, for a multi-host series. */
export function placedOn(plan: SeriesPlan, hostName: string): { host: HostSpec; spec: SeriesSpec } {
  const placed = plan.hosts?.find((p) => p.host.name === hostName);
  if (!placed) return { host: plan.host, spec: plan.spec };
  // The running quota is per host: the first host's, in `plan.spec`, is not this one's.
  const { maxRunning: _maxRunning, runningQuota: _runningQuota, ...spec } = plan.spec;
  const own: SeriesSpec = spec;
  if (placed.maxRunning !== undefined) own.maxRunning = placed.maxRunning;
  if (placed.runningQuota !== undefined) own.runningQuota = placed.runningQuota;
  return { host: placed.host, spec: own };
}

/**
 * Runs a host takes at once: a runner host's slots (its GPUs when it has fewer, as its pool
 * does; 1 when neither is set: the cores it would probe are not known here), a SLURM host's
 * window of arrays. Only used to compare hosts.
 */
export function capacityOf(host: HostSpec, caps: HostCapabilities): number {
  if (host.kind === 'slurm') return caps.window * caps.chunkSize;
  const slots = host.slots ?? host.gpus ?? 1;
  return Math.max(1, host.gpus ? Math.min(slots, host.gpus) : slots);
}

/**
 * One chunk size for every host (a chunk may move from one host to another): no larger than
 * any host takes, and small enough that each host's lanes get several chunks, so the split
 * follows the hosts' speed.
 */
export function multiHostChunkSize(count: number, hosts: ReadonlyArray<HostCapabilities>): number {
  const lanes = hosts.reduce((n, caps) => n + caps.window, 0);
  const spread = Math.ceil(count / Math.max(1, lanes * CHUNKS_PER_LANE));
  return Math.max(1, Math.min(spread, ...hosts.map((caps) => caps.chunkSize)));
}

/** A host's free capacity by its load: what is not busy (runner) or not already queued (SLURM). */
export function liveFree(capacity: number, load: HostLoad): number | undefined {
  if (load.busyUnits !== undefined) return capacity - load.busyUnits;
  if (load.pendingTasks !== undefined) return capacity - load.pendingTasks;
  return undefined;
}

interface PlacedHost {
  name: string;
  capacity: number;
  lanes: number;
  chunks: number;
  runs: number;
  /** Free capacity the host reported at the round's start, and the runs placed on it since. */
  reported?: { free: number; placed: number };
}

/** Which host takes the next chunk: the one with a free lane, not drained, and the most free capacity. */
export class Placement {
  private readonly hosts: PlacedHost[];
  private readonly lost = new Set<string>();
  private drained = new Set<string>();

  constructor(hosts: ReadonlyArray<{ name: string; capacity: number; lanes: number }>, lost: string[] = []) {
    this.hosts = hosts.map((h) => ({ ...h, lanes: Math.max(1, h.lanes), chunks: 0, runs: 0 }));
    for (const name of lost) this.lost.add(name);
  }

  /**
   * What the hosts answered at the start of a placement round: the drained ones (all of them,
   * an undrained host is back) and the load of those that reported it. A host without a report
   * is judged by its capacity less this series' runs in flight there, as before.
   */
  observe(drained: ReadonlyArray<string>, loads: Readonly<Record<string, HostLoad>>): void {
    this.drained = new Set(drained);
    for (const host of this.hosts) {
      const load = loads[host.name];
      const free = load ? liveFree(host.capacity, load) : undefined;
      if (free === undefined) delete host.reported;
      else host.reported = { free, placed: 0 };
    }
  }

  /** Hosts that could take a chunk now (live, not drained, a lane free): the ones worth asking for their load. */
  candidates(): string[] {
    return this.hosts.filter((h) => this.open(h)).map((h) => h.name);
  }

  /** True when no host may take a chunk until one is undrained: every host not lost is drained. */
  allDrained(): boolean {
    const live = this.liveHosts();
    return live.length > 0 && live.every((name) => this.drained.has(name));
  }

  /** The host for a chunk of `size` runs, or undefined when every open host's lanes are full. */
  pick(size: number): string | undefined {
    let best: PlacedHost | undefined;
    for (const host of this.hosts) {
      if (!this.open(host)) continue;
      // Ties go to the host named first (the order is the series').
      if (!best || freeOf(host) > freeOf(best)) best = host;
    }
    if (!best) return undefined;
    best.chunks += 1;
    best.runs += size;
    if (best.reported) best.reported.placed += size;
    return best.name;
  }

  ended(name: string, size: number): void {
    const host = this.hosts.find((h) => h.name === name);
    if (!host) return;
    host.chunks -= 1;
    host.runs -= size;
  }

  markLost(name: string): void {
    this.lost.add(name);
  }

  lostHosts(): string[] {
    return [...this.lost];
  }

  private open(host: PlacedHost): boolean {
    return !this.lost.has(host.name) && !this.drained.has(host.name) && host.chunks < host.lanes;
  }

  /** Hosts not lost, in the series' order. */
  liveHosts(): string[] {
    return this.hosts.filter((h) => !this.lost.has(h.name)).map((h) => h.name);
  }
}

/** Free capacity: as the host reported it less what was placed since, else capacity less this series' runs there. */
function freeOf(host: PlacedHost): number {
  return host.reported ? host.reported.free - host.reported.placed : host.capacity - host.runs;
}
