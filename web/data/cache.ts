// Results of the costly per-series queries (run counts, the parameter map, metric names),
// kept for a moment. Reading them aggregates up to 100,000 runs, and several viewers of one
// series (plus their live bars) would otherwise repeat that work every second.
//
// Stale-while-revalidate: once a value has expired it is still served (at most one refresh
// runs in the background), so a page view never waits for an aggregate it has seen before;
// values older than MAX_STALE_MS are not served. A series that is still running gets short
// times — its live numbers come from the event stream anyway; a final series changes only
// through a rerun, which changes its state and attempt and so the key.
import { FINAL_SERIES_STATES, type SeriesState } from '../../core/states.ts';

export const LIVE_TTL_MS = 5_000;
export const FINAL_TTL_MS = 60_000;
export const MAX_STALE_MS = 30_000;
const MAX_ENTRIES = 500;

interface Entry {
  /** Fresh until then; served stale until `expires + MAX_STALE_MS`. */
  expires: number;
  value: Promise<unknown>;
  refreshing: boolean;
}

export class TtlCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The value of `key`: fresh from the cache, stale from the cache while `load()` refreshes
   * it in the background, or from `load()` (shared by concurrent callers). Failures are not kept.
   */
  get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (hit && hit.expires + MAX_STALE_MS > now) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        load().then(
          (value) => this.set(key, ttlMs, value),
          () => this.entries.delete(key),
        );
      }
      return hit.value as Promise<T>;
    }
    const value = load();
    this.entries.set(key, { expires: now + ttlMs, value, refreshing: false });
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > MAX_ENTRIES) this.prune();
    return value;
  }

  /**
   * A cached value for callers that load several keys in one query: `fresh` false means it
   * is stale and the caller should refresh it (`claimRefresh` tells whether it is the one to).
   */
  peek<T>(key: string): { value: Promise<T>; fresh: boolean } | undefined {
    const hit = this.entries.get(key);
    const now = this.now();
    if (!hit || hit.expires + MAX_STALE_MS <= now) return undefined;
    return { value: hit.value as Promise<T>, fresh: hit.expires > now };
  }

  /** True for the first caller that asks to refresh a stale key. */
  claimRefresh(key: string): boolean {
    const hit = this.entries.get(key);
    if (!hit || hit.refreshing) return false;
    hit.refreshing = true;
    return true;
  }

  set<T>(key: string, ttlMs: number, value: T): void {
    this.entries.set(key, { expires: this.now() + ttlMs, value: Promise.resolve(value), refreshing: false });
    if (this.entries.size > MAX_ENTRIES) this.prune();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expires + MAX_STALE_MS <= now) this.entries.delete(key);
    // Still too many: drop the oldest insertions.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}

/** How long results about a series in this state stay fresh. */
export function ttlFor(state: SeriesState): number {
  return FINAL_SERIES_STATES.includes(state) ? FINAL_TTL_MS : LIVE_TTL_MS;
}

/** Cache key part that changes whenever a series may have new results (state, rerun attempt). */
export function seriesVersion(s: { id: string; state: SeriesState; attempt: number }): string {
  return `${s.id}:${s.state}:${s.attempt}`;
}
