// Helpers shared by the test-service launchers (SLURM, sshd): run a script of
// scripts/services/, find free loopback ports.
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const SERVICES_DIR = path.resolve(import.meta.dirname, '../../scripts/services');

/** Runs `bash scripts/services/<script> ...args`; rejects with its stderr on failure. */
export function runServiceScript(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [path.join(SERVICES_DIR, script), ...args],
      { env: { ...process.env, ...env }, timeout: 180_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** `KEY=VALUE` lines → object (values may contain `=`). */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** A port that was free on 127.0.0.1 a moment ago (callers retry when they lose the race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}
