// Where the chunks of a series over several hosts go (docs/multi-host.md). Pure: the series
// workflow asks it which host takes the next chunk and tells it when chunks start, end or a
// host is lost; unit-tested in test/workflows/placement.test.ts.
import type { HostCapabilities } from '../activities/host/types.ts';
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

interface HostLoad {
  name: string;
  capacity: number;
  lanes: number;
  chunks: number;
  runs: number;
}

/** Which host takes the next chunk: the one with a free lane and the most free capacity. */
export class Placement {
  private readonly hosts: HostLoad[];
  private readonly lost = new Set<string>();

  constructor(hosts: ReadonlyArray<{ name: string; capacity: number; lanes: number }>, lost: string[] = []) {
    this.hosts = hosts.map((h) => ({ ...h, lanes: Math.max(1, h.lanes), chunks: 0, runs: 0 }));
    for (const name of lost) this.lost.add(name);
  }

  /** The host for a chunk of `size` runs, or undefined when every live host's lanes are full. */
  pick(size: number): string | undefined {
    let best: HostLoad | undefined;
    for (const host of this.hosts) {
      if (this.lost.has(host.name) || host.chunks >= host.lanes) continue;
      // Ties go to the host named first (the order is the series').
      if (!best || host.capacity - host.runs > best.capacity - best.runs) best = host;
    }
    if (!best) return undefined;
    best.chunks += 1;
    best.runs += size;
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

  /** Hosts not lost, in the series' order. */
  liveHosts(): string[] {
    return this.hosts.filter((h) => !this.lost.has(h.name)).map((h) => h.name);
  }
}
