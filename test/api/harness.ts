// The API under test: createApp over a real database and a real Temporal client, with three
// signed-in users (an admin, alice and bob), a `local` host and an `echo` application.
// Requests go through `app.request()`; no port is opened.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { count } from 'drizzle-orm';
import type { Hono } from 'hono';
import { createApp, type ApiDeps } from '../../api/app.ts';
import type { AppEnv } from '../../api/context.ts';
import { loadConfig } from '../../config.ts';
import { createApiToken, createUser, type Role } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { applications, hosts, runs, series } from '../../db/schema.ts';
import { createLogger } from '../../log.ts';

export interface TestUser {
  id: string;
  name: string;
  role: Role;
  token: string;
}

// Answers are loosely typed on purpose: tests read JSON bodies freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  /** Bearer token; `null` sends none. Default: alice's. */
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiHarness {
  app: Hono<AppEnv>;
  db: Database;
  temporal: Client;
  storageDir: string;
  admin: TestUser;
  alice: TestUser;
  bob: TestUser;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request<T = any>(method: string, route: string, options?: RequestOptions): Promise<Answer<T>>;
  /** Another app over the same database with some dependencies replaced. */
  appWith(overrides: Partial<ApiDeps>): Hono<AppEnv>;
  /** Rows in the tables a refused request must leave untouched. */
  rowCounts(): Promise<{ series: number; runs: number }>;
  close(): Promise<void>;
}

/** What each suite of the API test file gets, filled in by its `before` hook. */
export interface SuiteContext {
  h: ApiHarness;
  temporal: { address: string; namespace: string };
}

export const ECHO_APP = 'echo';
export const INI = '[model]\nsize = 8 16 32\nrate = 0.1...0.1...0.3\nname = "spiral wave"\n';

export async function createHarness(
  db: Database,
  temporalTarget: { address: string; namespace: string },
  overrides: Partial<ApiDeps> = {},
): Promise<ApiHarness> {
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-api-test-'));
  const connection = await Connection.connect({ address: temporalTarget.address });
  const temporal = new Client({ connection, namespace: temporalTarget.namespace });
  const base = loadConfig({ TUPLET_LOG_LEVEL: 'silent', TEMPORAL_NAMESPACE: temporalTarget.namespace });
  const config = { ...base, maxTuples: 10_000, temporal: { ...base.temporal, uiUrl: 'http://ui.test:8233' } };
  const deps: ApiDeps = { db, temporal, config, storageDir, logger: createLogger('silent'), ...overrides };
  const app = createApp(deps);

  const suffix = Math.random().toString(36).slice(2, 8);
  const user = async (name: string, role: Role): Promise<TestUser> => {
    const created = await createUser(db, { name: `${name}-${suffix}`, role });
    const { token } = await createApiToken(db, created.id, 'test');
    return { id: created.id, name: created.name, role, token };
  };
  const [admin, alice, bob] = await Promise.all([
    user('admin', 'admin'),
    user('alice', 'member'),
    user('bob', 'member'),
  ]);
  await db
    .insert(hosts)
    .values({ name: 'local', kind: 'local', workdir: path.join(storageDir, 'work') })
    .onConflictDoNothing();
  await db
    .insert(applications)
    .values({ name: ECHO_APP, command: 'cat config.ini', description: 'prints its config' })
    .onConflictDoNothing();

  return {
    app,
    db,
    temporal,
    storageDir,
    admin,
    alice,
    bob,
    appWith: (replaced) => createApp({ ...deps, ...replaced }),
    async request(method, route, options = {}) {
      const token = options.token === undefined ? alice.token : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token) headers.authorization = `Bearer ${token}`;
      let body: BodyInit | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await app.request(route, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown = text;
      if (response.headers.get('content-type')?.startsWith('application/json')) parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, body: parsed as never, text };
    },
    async rowCounts() {
      const [[s], [r]] = await Promise.all([
        db.select({ n: count() }).from(series),
        db.select({ n: count() }).from(runs),
      ]);
      return { series: Number(s?.n ?? 0), runs: Number(r?.n ?? 0) };
    },
    async close() {
      await connection.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
