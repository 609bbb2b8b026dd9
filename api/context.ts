// What the HTTP app is built from, and what middleware leaves on the request context.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { HostSpec } from '../hosts/executor.ts';
import type { Storage } from '../files/storage/index.ts';
import type { Logger } from '../log.ts';
import type { SignInGuard } from './sign-in-guard.ts';

export interface ApiDeps {
  db: Database;
  temporal: Client;
  config: Config;
  /** `<dataDir>/storage`: collected outputs under `<seriesId>/`, archives as `<seriesId>.tar.gz`. */
  storageDir: string;
  /** Where stored files are read (S3 when configured); absent: the disk below storageDir. */
  storage?: Storage;
  logger: Logger;
  /** Connection test of a host (SSH, host key, partitions, GPUs); absent: the check answers 501. */
  checkHost?: (host: HostSpec) => Promise<unknown>;
  /** Rate limits of password sign-ins; absent: createApp makes one (tests inject a clock). */
  signInGuard?: SignInGuard;
}

export type Role = 'admin' | 'member';

/** The signed-in user of a request. */
export interface AuthUser {
  id: string;
  name: string;
  role: Role;
}

export interface AuthVariables {
  user?: AuthUser;
  /** How the user signed in: API token or browser session cookie. */
  authMethod?: 'token' | 'session';
  /** The browser session (cookie sign-in only), for CSRF tokens in forms. */
  session?: { csrfToken: string };
  /** The API token (token sign-in only): new tokens it creates may not outlive it. */
  token?: { id: string; expiresAt: Date | null };
}

/** The Hono environment of every API (and web UI) route. */
export interface AppEnv {
  Variables: AuthVariables;
}
