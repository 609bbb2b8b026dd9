// A throwaway PostgreSQL server for a test file, through scripts/services/postgres.sh.
// TUPLET_TEST_POSTGRES_URL points the tests at an existing server instead (CI services).
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/services/postgres.sh', import.meta.url));

export interface PostgresServer {
  /** URL of the `postgres` maintenance database, as superuser. */
  url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const external = process.env.TUPLET_TEST_POSTGRES_URL;
  if (external) return { url: external, stop: async () => {} };

  const root = await mkdtemp(path.join(os.tmpdir(), 'tuplet-pg-'));
  // The server runs as the `postgres` user when we are root: it must reach the directory.
  await chmod(root, 0o755);
  const dir = path.join(root, 'data');
  let lastError: unknown;
  // A free port can be taken between probing and binding: try again with another.
  for (let tries = 0; tries < 3; tries++) {
    try {
      const { stdout } = await run('bash', [script, 'start', dir, String(await freePort())]);
      const stop = async () => {
        await run('bash', [script, 'stop', dir]);
        await rm(root, { recursive: true, force: true });
      };
      return { url: stdout.trim(), stop };
    } catch (error) {
      lastError = error;
    }
  }
  await rm(root, { recursive: true, force: true });
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
