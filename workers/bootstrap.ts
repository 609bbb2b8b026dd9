// What a first start registers: the admin account, the `local` host and the example applications
// (`spiral`, which reads INI, and `binding`, which gets a template rendered: examples/).
// Every start also applies TUPLET_ADMIN_TOKEN (a changed value revokes the old one) and drops
// sessions that expired while the server was down (sign-ins drop them as it runs).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapAdmin, deleteExpiredSessions } from '../db/accounts.ts';
import type { Database } from '../db/client.ts';
import {
  findApplication,
  insertApplication,
  updateApplication,
  type NewApplication,
} from '../db/applications.ts';
import { insertHost } from '../db/hosts.ts';
import { templateExampleApplication } from './template-example.ts';

export const EXAMPLE_APPLICATION = 'spiral';
const exampleScript = fileURLToPath(new URL('../examples/spiral/spiral.py', import.meta.url));

export interface BootstrapResult {
  adminCreated: boolean;
  generatedPassword?: string;
}

export async function bootstrap(
  db: Database,
  options: { dataDir: string; adminToken?: string; adminPassword?: string },
): Promise<BootstrapResult> {
  const admin = await bootstrapAdmin(db, { token: options.adminToken, password: options.adminPassword });
  await deleteExpiredSessions(db);
  // Registered once: an admin's later changes to `local` stand.
  await insertHost(db, {
    name: 'local',
    kind: 'local',
    workdir: path.join(options.dataDir, 'work'),
    slots: os.availableParallelism(),
    description: 'This machine: runs go through a detached runner with one slot per core.',
  });
  await registerExample(db, {
    name: EXAMPLE_APPLICATION,
    command: `python3 ${JSON.stringify(exampleScript)}`,
    configFile: 'config.ini',
    collect: [],
    description:
      'Spiral waves in a 2-D excitable medium (Barkley model): writes spiral.png and metrics.json. ' +
      'Try examples/spiral/sweep.ini.',
  });
  await registerExample(db, await templateExampleApplication());
  return {
    adminCreated: admin.created,
    ...(admin.generatedPassword ? { generatedPassword: admin.generatedPassword } : {}),
  };
}

/** Registered once: an admin's later changes stand, except that a moved checkout is followed. */
async function registerExample(db: Database, app: NewApplication): Promise<void> {
  const existing = await findApplication(db, app.name);
  if (!existing) await insertApplication(db, app);
  else if (existing.command.includes(`examples/${app.name}/`) && existing.command !== app.command) {
    // The checkout moved: keep the example pointing at this one.
    await updateApplication(db, app.name, { command: app.command });
  }
}
