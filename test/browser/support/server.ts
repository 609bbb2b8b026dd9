// The whole HTTP app (API + web UI) over a seeded in-memory database, on a random port.
// Workflows are not running: Temporal is a lazy client that is never reached by page views.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { createApp } from '../../../api/app.ts';
import { loadConfig } from '../../../config.ts';
import { createUser } from '../../../db/accounts.ts';
import { openDatabase, type Database } from '../../../db/client.ts';
import { users } from '../../../db/schema.ts';
import { createLogger } from '../../../log.ts';
import { seedHostAndApplication, seedRunFiles, seedSeries } from './seed.ts';

export const ADMIN = { name: 'ada', password: 'correct-horse-battery' };
export const MEMBER = { name: 'mia', password: 'member-password-123' };

export const MAIN_INI = `; a small sweep
[model]
alpha = 0.1 0.2 0.3 ; three values
steps = 100
[tissue]
beta = 1...1...4
`;

export const LONG_INI = `[a_section_with_a_rather_long_name]
parameter_with_an_extremely_long_descriptive_name_for_layout_tests = 1 2 3
other = x y
`;

const NETCDF_FIXTURE = fileURLToPath(new URL('../../web/fixtures/sample-cdf1.nc', import.meta.url));

export interface WebTestServer {
  url: string;
  db: Database;
  storageDir: string;
  ids: { admin: string; member: string };
  /** Completed series of the admin (12 runs, two failed, with files). */
  completed: { id: string; count: number };
  /** Running series of the member with long parameter names. */
  running: { id: string; count: number };
  close(): Promise<void>;
}

async function userId(db: Database, name: string): Promise<string> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.name, name));
  if (!row) throw new Error(`user ${name} was not created`);
  return row.id;
}

export async function startWebTestServer(): Promise<WebTestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-web-'));
  const storageDir = path.join(dataDir, 'storage');
  const handle = await openDatabase({});
  const { db } = handle;
  await createUser(db, { name: ADMIN.name, password: ADMIN.password, role: 'admin' });
  await createUser(db, { name: MEMBER.name, password: MEMBER.password, role: 'member' });
  const ids = { admin: await userId(db, ADMIN.name), member: await userId(db, MEMBER.name) };
  await seedHostAndApplication(db, path.join(dataDir, 'work'));

  const completed = await seedSeries(db, {
    ownerId: ids.admin,
    ini: MAIN_INI,
    description: 'Spiral drift under stimulation',
    tags: ['lvcd', 'baseline'],
    state: 'completed_with_failures',
    runState: (i) => (i === 5 || i === 10 ? 'failed' : 'succeeded'),
    metrics: (v, i) =>
      i === 5 || i === 10
        ? null
        : { energy: Number(v['model.alpha']) * Number(v['tissue.beta']), steps: 100 },
    createdAt: new Date(Date.now() - 3_600_000),
  });
  const { tupleAt, parseSweep } = await import('../../../sweep/index.ts');
  const sweep = parseSweep(MAIN_INI);
  for (let i = 0; i < completed.count; i++) {
    const dir = tupleAt(sweep, i).dir;
    await seedRunFiles(
      db,
      storageDir,
      completed.id,
      i,
      dir,
      i === 0 ? { csv: true, netcdf: NETCDF_FIXTURE, text: true } : {},
    );
  }
  const running = await seedSeries(db, {
    ownerId: ids.member,
    ini: LONG_INI,
    description:
      'Member series with long parameter names that should wrap instead of breaking the layout of the page',
    state: 'running',
    runState: (i) => (i < 2 ? 'succeeded' : i === 2 ? 'running' : 'pending'),
  });

  const config = loadConfig({ TUPLET_DATA_DIR: dataDir, TUPLET_LOG_LEVEL: 'silent' });
  const deps = {
    db,
    config,
    storageDir,
    temporal: new Client(),
    logger: createLogger('silent'),
  };
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    db,
    storageDir,
    ids,
    completed,
    running,
    async close() {
      (server as HttpServer).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handle.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
