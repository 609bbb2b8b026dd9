// A real sshd on 127.0.0.1 for one test file: its own host key and config, key-only login
// for the current user, a free port.
//   const sshd = await startSshd({ env: { SLURM_CONF: slurm.slurmConf } });
//   after(() => sshd.stop());
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, parseKeyValues, runServiceScript } from './services.ts';

export interface TestSshd {
  port: number;
  user: string;
  /** Private key (no passphrase) authorised for `user`. */
  identityFile: string;
  /** A known_hosts file holding `hostKeyLine`. */
  knownHostsFile: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` */
  hostKeyLine: string;
  stateDir: string;
  /** Kills every open connection (the per-connection sshd processes), like a network cut; resolves with how many. */
  dropConnections(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSshd(options: { env?: Record<string, string> } = {}): Promise<TestSshd> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-test-sshd-'));
  const envArgs = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  let lastError: unknown;
  // The free port can be taken between the probe and sshd's bind: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      const out = parseKeyValues(
        await runServiceScript('sshd.sh', ['start', stateDir, String(port), ...envArgs]),
      );
      let stopped: Promise<void> | undefined;
      return {
        port: Number(out.PORT),
        user: out.USER!,
        identityFile: out.IDENTITY_FILE!,
        knownHostsFile: out.KNOWN_HOSTS_FILE!,
        hostKeyLine: out.HOST_KEY_LINE!,
        stateDir,
        dropConnections: () => dropConnections(stateDir),
        stop() {
          stopped ??= runServiceScript('sshd.sh', ['stop', stateDir]).then(() =>
            rm(stateDir, { recursive: true, force: true }),
          );
          return stopped;
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  await rm(stateDir, { recursive: true, force: true });
  throw lastError;
}

/** The listener's children are the connections; killing them cuts the clients off mid-command. */
async function dropConnections(stateDir: string): Promise<number> {
  const listener = (await readFile(path.join(stateDir, 'pid'), 'utf8')).trim();
  const children = await new Promise<string[]>((resolve) =>
    execFile('pgrep', ['-P', listener], (_error, stdout) => resolve(stdout.split('\n').filter(Boolean))),
  );
  for (const pid of children) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return children.length;
}

/** The fields of a host registered at this sshd (POST /api/v1/hosts). */
export function sshHostFields(sshd: TestSshd) {
  return {
    address: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.identityFile,
    knownHostsFile: sshd.knownHostsFile,
  };
}
