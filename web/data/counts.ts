// Run counts of series, through the short-lived cache: fresh and stale entries are served
// (stale ones refreshed in the background), the missing ones read together in one grouped query.
import type { Database } from '../../db/client.ts';
import type { SeriesState } from '../../core/states.ts';
import type { RunCounts } from '../context.ts';
import { seriesVersion, ttlFor, type TtlCache } from './cache.ts';
import { countRunsByState } from '../../db/runs.ts';

export interface Versioned {
  id: string;
  state: SeriesState;
  attempt: number;
  count: number;
}

async function load(db: Database, cache: TtlCache, rows: Versioned[]): Promise<Map<string, RunCounts>> {
  const loaded = await countRunsByState(db, rows);
  for (const row of rows) cache.set(`counts:${seriesVersion(row)}`, ttlFor(row.state), loaded.get(row.id)!);
  return loaded;
}

export async function cachedCounts(db: Database, cache: TtlCache, rows: Versioned[]): Promise<Map<string, RunCounts>> {
  const result = new Map<string, RunCounts>();
  const missing: Versioned[] = [];
  const stale: Versioned[] = [];
  for (const row of rows) {
    const key = `counts:${seriesVersion(row)}`;
    const hit = cache.peek<RunCounts>(key);
    if (!hit) {
      missing.push(row);
      continue;
    }
    result.set(row.id, await hit.value);
    if (!hit.fresh && cache.claimRefresh(key)) stale.push(row);
  }
  if (stale.length > 0) {
    load(db, cache, stale).catch(() => {
      for (const row of stale) cache.delete(`counts:${seriesVersion(row)}`);
    });
  }
  if (missing.length > 0) {
    const loaded = await load(db, cache, missing);
    for (const row of missing) result.set(row.id, loaded.get(row.id)!);
  }
  return result;
}
