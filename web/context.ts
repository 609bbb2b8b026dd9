// What the web UI is built from: the same database, configuration and storage the API gets.
import type { SignInCookies } from '../api/sign-in-cookies.ts';
import type { SignInGuard } from '../api/sign-in-guard.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { RunCounts } from '../db/runs.ts';
import type { SeriesState } from '../core/states.ts';
import type { Storage } from '../files/storage/index.ts';
import type { TtlCache } from './data/cache.ts';

export interface WebDeps {
  db: Database;
  config: Config;
  /** `<dataDir>/storage`: collected outputs under `<seriesId>/runs/<dir>/`. */
  storageDir: string;
  /** Where stored files are read (S3 when configured); absent: the disk below storageDir. */
  storage?: Storage;
  /** The sign-in rate limits and cookies, shared with the API (else the web app makes its own). */
  signIn?: { guard: SignInGuard; cookies: SignInCookies };
}

/** What route factories get: the deps plus the web UI's own short-lived query cache. */
export interface WebContext extends WebDeps {
  cache: TtlCache;
}

export type { AppEnv as WebEnv, AuthUser } from '../api/context.ts';

export type { RunCounts };

export interface Progress {
  state: SeriesState;
  count: number;
  counts: RunCounts;
}
