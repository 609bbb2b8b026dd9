// The whole embedded stack for end-to-end tests, in this process or as a `tuplet up` child
// process (for restart and SIGKILL tests). Both use a real Temporal dev server and a real
// database (PGlite under the data dir, or PostgreSQL when databaseUrl is given).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config.ts';
import { UNFINISHED_SERIES_STATES, type RunState } from '../../core/states.ts';
import { createLogger } from '../../log.ts';
import { startStack, type RunningStack } from '../../workers/stack.ts';
import { freePort } from '../../workers/dev-server.ts';
import { waitFor } from './wait.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface StackOptions {
  temporalAddress: string;
  dataDir?: string;
  databaseUrl?: string;
  adminToken?: string;
  /** False: no host workers in the stack (they run as `tuplet worker --host` processes). */
  hostWorkers?: boolean;
  /** More environment for the stack's config (e.g. TUPLET_PAYLOAD_KEY, TEMPORAL_TLS_*). */
  env?: Record<string, string>;
}

export interface Api {
  url: string;
  token: string;
  request<T = unknown>(
    method: string,
    route: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }>;
  fetch(route: string, init?: RequestInit): Promise<Response>;
}

function apiFor(url: string, token: string): Api {
  return {
    url,
    token,
    fetch: (route, init) =>
      fetch(`${url}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init?.headers } }),
    async request<T>(method: string, route: string, body?: unknown, asToken = token) {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          ...(asToken ? { authorization: `Bearer ${asToken}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
  };
}

/** What GET /api/v1/series/:id answers (the fields tests look at). */
export interface SeriesBody {
  id: string;
  state: string;
  count: number;
  counts: Record<RunState, number>;
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'tuplet-test-'));
}

function environment(options: StackOptions, dataDir: string, token: string, port: number): NodeJS.ProcessEnv {
  return {
    TUPLET_PORT: String(port),
    TUPLET_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TUPLET_ADMIN_TOKEN: token,
    TUPLET_ADMIN_PASSWORD: 'test-password-long',
    TUPLET_LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
}

export interface InProcessStack extends Api {
  stack: RunningStack;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestStack(options: StackOptions): Promise<InProcessStack> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const token = options.adminToken ?? `tpl_test_${randomBytes(12).toString('hex')}`;
  const config = loadConfig(environment(options, dataDir, token, 0));
  const stack = await startStack(config, createLogger('warn', 'test-stack'), {
    hostWorkers: options.hostWorkers ?? true,
  });
  return { ...apiFor(stack.url, token), stack, dataDir, stop: () => stack.stop() };
}

export interface ProcessStack extends Api {
  child: ChildProcess;
  dataDir: string;
  output(): string;
  /** SIGTERM and wait (a clean Ctrl-C), or SIGKILL for a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** `bin/tuplet up` as a child process; resolves once it prints that it is up. */
export async function startStackProcess(
  options: StackOptions & { dataDir: string; adminToken: string },
): Promise<ProcessStack> {
  const port = await freePort();
  const child = spawn(path.join(repo, 'bin/tuplet'), ['up'], {
    cwd: repo,
    env: { ...process.env, ...environment(options, options.dataDir, options.adminToken, port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tuplet up did not start in 120 s:\n${output}`)),
      120_000,
    );
    const check = () => {
      if (output.includes('Tuplet is up')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tuplet up exited with ${code}:\n${output}`));
    });
  });
  return {
    ...apiFor(`http://127.0.0.1:${port}`, options.adminToken),
    child,
    dataDir: options.dataDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface HostWorkerProcess {
  output(): string;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** `tuplet worker --host NAME` as a child process; resolves once it serves the host. */
export async function startHostWorkerProcess(options: {
  temporalAddress: string;
  dataDir: string;
  hostName: string;
}): Promise<HostWorkerProcess> {
  const child = spawn(path.join(repo, 'bin/tuplet'), ['worker', '--host', options.hostName], {
    cwd: repo,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TUPLET_DATA_DIR: options.dataDir,
      TUPLET_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the host worker did not start in 60 s:\n${output}`)),
      60_000,
    );
    const onData = (text: string) => {
      output += text;
      if (output.includes('host worker running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host worker exited with ${code}:\n${output}`));
    });
  });
  return {
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** States a series leaves on its own; waitForSeriesEnd waits for any other. */
const UNFINISHED: readonly string[] = UNFINISHED_SERIES_STATES;

/** Polls GET /series/:id until the series is in a final state. */
export function waitForSeriesEnd(api: Api, id: string, timeoutMs = 240_000): Promise<SeriesBody> {
  return waitForSeries<SeriesBody>(api, id, (s) => !UNFINISHED.includes(s.state), timeoutMs);
}

/** Polls GET /series/:id until `done` holds (or fails after `timeoutMs`). */
export async function waitForSeries<T extends { state: string }>(
  api: Api,
  id: string,
  done: (series: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  let last: T | undefined;
  return waitFor(
    async () => {
      const { status, body } = await api.request<T>('GET', `/api/v1/series/${id}`);
      if (status !== 200) return undefined;
      last = body;
      return done(body) ? body : undefined;
    },
    { what: `series ${id} to reach the expected state`, timeoutMs, intervalMs: 300, lastSeen: () => last },
  );
}
