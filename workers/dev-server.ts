// The embedded Temporal: `temporal server start-dev` as a child process, for `npm start`
// (persistent SQLite file, Web UI) and for tests (free ports, in memory, headless).
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from '../log.ts';
import { SEARCH_ATTRIBUTES } from '../core/naming.ts';
import { findTemporalCli } from './temporal-cli.ts';

export { findTemporalCli };

export interface DevServerOptions {
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  /** Address to bind (default 127.0.0.1). */
  ip?: string;
  /** gRPC port (default 7233); 0 picks a free one. */
  port?: number;
  /** Web UI port; false = no UI; 0 = a free one; default: port + 1000 (a free one when port is 0). */
  uiPort?: number | false;
  /** Where the Web UI decodes payloads (the remote codec protocol); see api/routes/codec.ts. */
  uiCodecEndpoint?: string;
  /** Namespace to create besides `default`. */
  namespace?: string;
  log?: Logger;
  /** How long to wait for the server to answer (default 60 s: the machine may be busy). */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** host:port for `Connection.connect({ address })`. */
  address: string;
  namespace: string;
  uiUrl?: string;
  pid: number;
  /** Settles when the server process ends, for whatever reason. */
  exited: Promise<ExitStatus>;
  /**
   * SIGTERM, wait for the exit, SIGKILL after a grace period; an in-memory server has
   * nothing to save and gets SIGKILL at once (saves ~1 s per test). Idempotent.
   */
  stop(): Promise<void>;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// The Temporal type of each search attribute of workflows/shared.ts; a new attribute there
// fails to compile here until it gets a type.
const SEARCH_ATTRIBUTE_TYPES: Record<keyof typeof SEARCH_ATTRIBUTES, 'Keyword' | 'Int'> = {
  owner: 'Keyword',
  host: 'Keyword',
  application: 'Keyword',
  tuples: 'Int',
};

// The timer queue fires no timer earlier than now + this shift (default 1 s): every workflow
// timer under a second then lasts about a second — a 250 ms wait between polls took 1.0-1.1 s,
// and a 50 ms one 1.0 s, measured on this dev server. 50 ms keeps short waits what they say
// at no idle cost (5 CPU ticks in 30 s either way).
const TIMER_MAX_TIME_SHIFT = '50ms';

const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_LINES = 30;

class PortInUseError extends Error {}

export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const binary = await findTemporalCli();
  // Ports we pick may be taken by someone else before the server binds them: pick again.
  const picksPorts = options.port === 0 || options.uiPort === 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, options);
    } catch (error) {
      if (!(error instanceof PortInUseError && picksPorts && attempt < 3)) throw error;
      options.log?.debug({ err: error }, 'temporal dev server: port taken, trying other ports');
    }
  }
}

async function startOnce(binary: string, options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const connectHost = ip === '0.0.0.0' ? '127.0.0.1' : ip;
  const namespace = options.namespace ?? 'default';
  const port = options.port === 0 ? await freePort(ip) : (options.port ?? 7233);
  const uiPort =
    options.uiPort === false
      ? false
      : options.uiPort === 0 || (options.uiPort === undefined && options.port === 0)
        ? await freePort(ip)
        : (options.uiPort ?? port + 1000);

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  if (options.dbFile) {
    await mkdir(path.dirname(path.resolve(options.dbFile)), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [key, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
    args.push('--search-attribute', `${SEARCH_ATTRIBUTES[key as keyof typeof SEARCH_ATTRIBUTES]}=${type}`);
  }
  args.push(
    '--dynamic-config-value',
    `history.timerProcessorMaxTimeShift=${JSON.stringify(TIMER_MAX_TIME_SHIFT)}`,
  );
  if (uiPort === false) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (uiPort !== false && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);

  const child = await spawnTiedToParent(binary, args);
  const output = captureOutput(child, options.log);
  // Last resort when our process ends without stop(): setpriv's parent-death signal also
  // covers SIGKILL of this process, this covers machines without setpriv.
  const killOnParentExit = () => child.kill('SIGTERM');
  process.on('exit', killOnParentExit);
  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      process.off('exit', killOnParentExit);
      resolve(exitStatus);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (exitStatus) return;
      if (!options.dbFile) {
        child.kill('SIGKILL');
        await exited;
        return;
      }
      child.kill('SIGTERM');
      const grace = new AbortController();
      const inTime = await Promise.race([
        exited.then(() => true),
        sleep(STOP_GRACE_MS, false, { signal: grace.signal }).catch(() => false),
      ]);
      grace.abort();
      if (!inTime) {
        options.log?.warn({ pid: child.pid }, 'temporal dev server ignored SIGTERM; killing it');
        child.kill('SIGKILL');
        await exited;
      }
    })());

  const address = `${connectHost}:${port}`;
  try {
    await waitUntilReady(address, namespace, () => exitStatus, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    const tail = output.tail();
    if (/address already in use/i.test(tail)) {
      const ports = uiPort === false ? `port ${port}` : `port ${port} or ${uiPort}`;
      throw new PortInUseError(
        `${ports} on ${ip} is in use (another Temporal server, or a second \`npm start\`?)`,
      );
    }
    throw new Error(`${(error as Error).message}\n--- temporal server output ---\n${tail}`, { cause: error });
  }

  const uiUrl = uiPort === false ? undefined : `http://${connectHost}:${uiPort}`;
  options.log?.info(
    { address, namespace, uiUrl, dbFile: options.dbFile ?? null },
    'temporal dev server ready',
  );
  void exited.then((status) => {
    if (!stopping) options.log?.error({ ...status, output: output.tail() }, 'temporal dev server exited');
  });
  return { address, namespace, uiUrl, pid: child.pid!, exited, stop };
}

/** Polls with a real client until the namespace answers and our search attributes exist. */
async function waitUntilReady(
  address: string,
  namespace: string,
  exitStatus: () => ExitStatus | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = Object.values(SEARCH_ATTRIBUTES);
  let lastError: unknown;
  while (Date.now() < deadline) {
    const status = exitStatus();
    if (status)
      throw new Error(
        `temporal dev server exited while starting (code ${status.code}, signal ${status.signal})`,
      );
    try {
      // lazy + ensureConnected, so that close() runs even when connecting fails: a failed
      // Connection.connect() leaves its channel open and keeps this process alive.
      const connection = Connection.lazy({ address, connectTimeout: '2s' });
      try {
        await connection.ensureConnected();
        await connection.workflowService.describeNamespace({ namespace });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = wanted.filter((name) => !(customAttributes && name in customAttributes));
        if (missing.length === 0) return;
        lastError = new Error(`search attributes not registered yet: ${missing.join(', ')}`);
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
    }
    await sleep(200);
  }
  throw new Error(
    `temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`,
  );
}

/**
 * Spawns the server so that it dies with us: `setpriv --pdeathsig` (util-linux) makes the
 * kernel send it SIGTERM when this process ends, even by SIGKILL.
 */
async function spawnTiedToParent(binary: string, args: string[]): Promise<ChildProcess> {
  const setpriv = await firstExecutable(['/usr/bin/setpriv', '/bin/setpriv']);
  const [command, commandArgs] = setpriv
    ? [setpriv, ['--pdeathsig', 'SIGTERM', binary, ...args]]
    : [binary, args];
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child;
}

async function firstExecutable(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** Drains the server's output (a full pipe would block it), logs it at debug, keeps a tail for errors. */
function captureOutput(child: ChildProcess, log: Logger | undefined): { tail(): string } {
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        log?.debug({ temporal: line }, 'temporal dev server output');
        lines.push(line);
        if (lines.length > OUTPUT_TAIL_LINES) lines.shift();
      }
    });
  }
  return { tail: () => lines.join('\n') };
}

/** A port free right now on `ip` (the OS picks it). */
export function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
