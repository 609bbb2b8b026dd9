// The whole HTTP app (API + web UI) on a real port over a fresh PGlite, for the sign-in and
// body-limit attacks: they need a real socket (client address, chunked bodies) and apps with
// their own configuration (public URL, limits) or sign-in clock. Temporal is a lazy client
// that these routes never reach.
import type { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@temporalio/client';
import type { Hono } from 'hono';
import { createApp, type ApiDeps } from '../../api/app.ts';
import type { AppEnv } from '../../api/context.ts';
import { loadConfig, type Config } from '../../config.ts';
import type { Database } from '../../db/client.ts';
import { createLogger } from '../../log.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

export interface ServedApp {
  url: string;
  app: Hono<AppEnv>;
  close(): Promise<void>;
}

export interface TestSite {
  db: Database;
  /** An app over this database, on its own port; `env` as the environment would give it. */
  serve(options?: { env?: Record<string, string>; deps?: Partial<ApiDeps> }): Promise<ServedApp>;
  close(): Promise<void>;
}

export async function openTestSite(): Promise<TestSite> {
  const database: TestDatabase = await openTestDatabase('pglite');
  const served: ServedApp[] = [];
  return {
    db: database.db,
    async serve(options = {}) {
      const config: Config = loadConfig({ TUPLET_LOG_LEVEL: 'silent', ...options.env });
      const app = createApp({
        db: database.db,
        config,
        storageDir: '/nonexistent',
        temporal: new Client(),
        logger: createLogger('silent'),
        ...options.deps,
      });
      const server: ServerType = await new Promise((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      const one: ServedApp = {
        url: `http://127.0.0.1:${address.port}`,
        app,
        async close() {
          (server as HttpServer).closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
      served.push(one);
      return one;
    },
    async close() {
      await Promise.all(served.map((s) => s.close()));
      await database.close();
    },
  };
}

/** The `name=value` pairs of a response's Set-Cookie headers, ready for a Cookie header. */
export function cookiesOf(response: Response): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    if (at > 0) jar[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return jar;
}

export function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}
