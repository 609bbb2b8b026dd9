// How a series over several hosts split its runs (docs/multi-host.md), for its page.
import type { Database } from '../../db/client.ts';
import { countRunsByHost } from '../../db/runs.ts';

export interface RunsPerHost {
  /** Every host of the series in its order, with the runs last submitted there (0: none yet). */
  hosts: Array<{ host: string; runs: number }>;
  /** Runs not submitted anywhere yet (pending), or recorded before runs kept their host. */
  unplaced: number;
}

export async function runsPerHost(db: Database, seriesId: string, hosts: string[]): Promise<RunsPerHost> {
  const counts = await countRunsByHost(db, seriesId);
  // A host no longer named (never: a series' hosts do not change) would still be shown.
  const named = [...hosts, ...[...counts.keys()].filter((h): h is string => h !== null && !hosts.includes(h))];
  return {
    hosts: named.map((host) => ({ host, runs: counts.get(host) ?? 0 })),
    unplaced: counts.get(null) ?? 0,
  };
}
