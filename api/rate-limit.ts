// An in-process counter of attempts per key (an account name, a client address) in fixed
// windows: once a key has used up its attempts, it waits for its window to end. Memory is
// bounded: expired windows are dropped as new ones open, and past `maxKeys` the oldest goes.
// In-process on purpose: one API process serves a lab; several would each count on their own.

export interface RateLimit {
  /** Attempts a key may make per window. */
  limit: number;
  windowMs: number;
}

export interface LimiterOptions extends RateLimit {
  /** Keys remembered at most; beyond, the oldest window is forgotten. */
  maxKeys?: number;
  /** The clock, injectable for tests. */
  now?: () => number;
}

interface Window {
  attempts: number;
  endsAt: number;
}

export class RateLimiter {
  // Insertion order is the order windows end in (every window lasts windowMs and is
  // re-inserted when it opens), so expired ones are always at the front.
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: LimiterOptions) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  blockedFor(key: string): number {
    const now = this.now();
    this.dropExpired(now);
    const window = this.windows.get(key);
    return window && window.attempts >= this.limit ? window.endsAt - now : 0;
  }

  /** Counts one attempt of `key`. */
  count(key: string): void {
    const now = this.now();
    this.dropExpired(now);
    const window = this.windows.get(key);
    if (window) {
      window.attempts++;
      return;
    }
    while (this.windows.size >= this.maxKeys) this.forgetOldest();
    this.windows.set(key, { attempts: 1, endsAt: now + this.windowMs });
  }

  /** Takes back one attempt of `key` (it turned out to be legitimate). */
  refund(key: string): void {
    const window = this.windows.get(key);
    if (window && window.attempts > 0) window.attempts--;
  }

  /** Forgets every attempt of `key`. */
  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Keys currently remembered (for tests of the memory bound). */
  get size(): number {
    return this.windows.size;
  }

  private dropExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now) break;
      this.windows.delete(key);
    }
  }

  private forgetOldest(): void {
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
