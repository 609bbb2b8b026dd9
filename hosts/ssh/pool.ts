// One pooled SSH connection per host: reused by every command, at most `maxChannels`
// channels at once (OpenSSH's sshd allows 10 sessions per connection by default; we stay
// under it) with a FIFO queue for the rest, keepalive, and reconnection with back-off when
// the connection drops. The host key is checked against the host's known_hosts file before
// anything is sent; an unknown or changed key refuses the host.
import { readFile } from 'node:fs/promises';
import type { Client, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import ssh2 from 'ssh2';
import type { Logger } from '../../log.ts';
import type { HostSpec } from '../executor.ts';
import {
  HostKeyChangedError,
  HostKeyUnknownError,
  HostUnreachableError,
  SshAuthError,
  SshConfigError,
} from './errors.ts';
import {
  checkHostKey,
  fingerprint,
  hostKeyAlgorithmsFor,
  keyTypeOfBlob,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.ts';
import { STOP_GRACE_MS } from '../transport.ts';
import { resolveWorkerPath } from './worker-path.ts';

export interface SshOptions {
  /** Path of an ssh-agent socket to try besides the identity file. */
  agent?: string;
  /** Channels open at once on the connection (default 8). */
  maxChannels?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Handshake and authentication time limit (default 20 s). */
  readyTimeoutMs?: number;
  /** Connection attempts when the host is unreachable, with doubling back-off (default 4). */
  connectAttempts?: number;
  /** First back-off delay (default 500 ms). */
  backoffMs?: number;
  /** Where (re)connections and their failed attempts are logged; nothing is logged without one. */
  logger?: Logger;
  /** Between TERM and KILL when a command on this host is stopped (default STOP_GRACE_MS, 5 s). */
  stopGraceMs?: number;
}

let connectionsOpenedTotal = 0;

/** SSH connections opened by this process (all hosts): the SLURM benchmark reports it. */
export function sshConnectionsOpened(): number {
  return connectionsOpenedTotal;
}

export class SshConnectionPool {
  readonly target: string;
  /** Connections this pool has opened (1 while the first one lives). */
  connectionsOpened = 0;
  /** Between TERM and KILL when the transport stops a command. */
  readonly stopGraceMs: number;
  private readonly options: Required<Omit<SshOptions, 'agent' | 'logger' | 'stopGraceMs'>> & {
    agent?: string;
  };
  private readonly logger: Logger | undefined;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private active = 0;
  private peak = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    readonly host: HostSpec,
    options: SshOptions = {},
  ) {
    this.target = `${host.user ?? ''}@${host.address ?? '?'}:${host.port ?? 22}`;
    this.options = {
      maxChannels: options.maxChannels ?? 8,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
      connectAttempts: options.connectAttempts ?? 4,
      backoffMs: options.backoffMs ?? 500,
      ...(options.agent ? { agent: options.agent } : {}),
    };
    this.stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
    this.logger = options.logger?.child({ host: host.name, target: this.target });
  }

  /** Channels open right now, the most ever open at once, and callers waiting for one (for tests and logs). */
  get load(): { active: number; peak: number; waiting: number } {
    return { active: this.active, peak: this.peak, waiting: this.waiting.length };
  }

  /**
   * Runs `use` with the connected client while holding one channel slot. `use` must open at
   * most one channel and settle when that channel is closed.
   */
  async withChannel<T>(use: (client: Client) => Promise<T>): Promise<T> {
    await this.takeSlot();
    try {
      return await use(await this.connection());
    } finally {
      this.releaseSlot();
    }
  }

  /** The live connection, connecting (with back-off) when there is none. */
  async connection(): Promise<Client> {
    if (this.closed)
      throw new HostUnreachableError(this.target, `${this.target}: the connection pool is closed`);
    if (this.client) return this.client;
    this.connecting ??= this.connectWithBackoff().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Drops the current connection (the next command reconnects), e.g. after a dead channel. */
  dropConnection(): void {
    const client = this.client;
    this.client = undefined;
    client?.end();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  private takeSlot(): Promise<void> {
    if (this.active < this.options.maxChannels) {
      this.active += 1;
      this.peak = Math.max(this.peak, this.active);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next caller
    else this.active -= 1;
  }

  private async connectWithBackoff(): Promise<Client> {
    let delay = this.options.backoffMs;
    // Every connection after the first replaces one that dropped: worth a line at info.
    if (this.connectionsOpened > 0) this.logger?.info('ssh connection lost; reconnecting');
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await this.connectOnce();
        this.logger?.debug({ attempt, connections: this.connectionsOpened }, 'ssh connected');
        return client;
      } catch (error) {
        const retryable = error instanceof HostUnreachableError;
        if (!retryable || attempt >= this.options.connectAttempts || this.closed) throw error;
        this.logger?.info(
          { attempt, of: this.options.connectAttempts, retryInMs: delay, reason: error.message },
          'ssh connection attempt failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  private async connectOnce(): Promise<Client> {
    const { host } = this;
    if (!host.address || !host.user) {
      throw new SshConfigError(this.target, `host ${host.name}: an ssh host needs an address and a user`);
    }
    const port = host.port ?? 22;
    const entries = await this.knownHosts();
    const privateKey = host.identityFile
      ? await readFileOnWorker(host.identityFile).catch((error: Error) => {
          throw new SshConfigError(
            this.target,
            `host ${host.name}: cannot read identityFile: ${error.message}`,
          );
        })
      : undefined;
    if (!privateKey && !this.options.agent) {
      throw new SshConfigError(this.target, `host ${host.name}: set an identityFile (or an ssh agent)`);
    }

    let refusal: Error | undefined;
    const algorithms = hostKeyAlgorithmsFor(entries, host.address, port);
    const config: ConnectConfig = {
      host: host.address,
      port,
      username: host.user,
      ...(privateKey ? { privateKey } : {}),
      ...(this.options.agent ? { agent: this.options.agent } : {}),
      keepaliveInterval: this.options.keepaliveIntervalMs,
      keepaliveCountMax: this.options.keepaliveCountMax,
      readyTimeout: this.options.readyTimeoutMs,
      ...(algorithms.length > 0
        ? { algorithms: { serverHostKey: algorithms as ServerHostKeyAlgorithm[] } }
        : {}),
      hostVerifier: (key: Buffer) => {
        refusal = this.hostKeyRefusal(entries, host.address!, port, key);
        return refusal === undefined;
      },
    };

    const client = new ssh2.Client();
    return new Promise<Client>((resolve, reject) => {
      let ready = false;
      client.once('ready', () => {
        ready = true;
        this.connectionsOpened += 1;
        connectionsOpenedTotal += 1;
        this.client = client;
        resolve(client);
      });
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (ready) return; // a live connection's error is followed by 'close'
        reject(refusal ?? this.classify(error));
      });
      client.on('close', () => {
        if (this.client === client) this.client = undefined;
        if (!ready)
          reject(
            refusal ??
              new HostUnreachableError(this.target, `${this.target}: connection closed during the handshake`),
          );
      });
      try {
        client.connect(config);
      } catch (error) {
        reject(new SshConfigError(this.target, `host ${host.name}: ${(error as Error).message}`));
      }
    });
  }

  private async knownHosts(): Promise<KnownHostEntry[]> {
    const file = this.host.knownHostsFile;
    if (!file) {
      throw new HostKeyUnknownError(
        this.target,
        `host ${this.host.name}: no knownHostsFile is set, so its host key cannot be verified; refusing to connect`,
      );
    }
    const text = await readFileOnWorker(file, 'utf8').catch((error: Error) => {
      throw new HostKeyUnknownError(
        this.target,
        `host ${this.host.name}: cannot read knownHostsFile ${file}: ${error.message}`,
      );
    });
    return parseKnownHosts(text);
  }

  private hostKeyRefusal(
    entries: KnownHostEntry[],
    address: string,
    port: number,
    key: Buffer,
  ): Error | undefined {
    const verdict = checkHostKey(entries, address, port, key);
    const print = `${keyTypeOfBlob(key) ?? 'key'} ${fingerprint(key)}`;
    const file = this.host.knownHostsFile;
    switch (verdict.kind) {
      case 'ok':
        return undefined;
      case 'unknown':
        return new HostKeyUnknownError(
          this.target,
          `host key of ${this.target} (${print}) is not in ${file}: refusing to connect. ` +
            `If this fingerprint is the host's, add its key to ${file} (e.g. ssh-keyscan -p ${port} ${address}).`,
          fingerprint(key),
        );
      case 'changed':
        return new HostKeyChangedError(
          this.target,
          `HOST KEY CHANGED for ${this.target}: it presented ${print}, but ${file} (line ${verdict.lines.join(', ')}) ` +
            `holds another key. Refusing to connect: someone may be intercepting the connection, or the host was reinstalled.`,
          fingerprint(key),
        );
      case 'revoked':
        return new HostKeyChangedError(
          this.target,
          `host key of ${this.target} (${print}) is marked @revoked in ${file} (line ${verdict.line}): refusing to connect`,
          fingerprint(key),
        );
    }
  }

  private classify(error: Error & { level?: string; code?: string }): Error {
    if (error.level === 'client-authentication') {
      return new SshAuthError(this.target, `${this.target}: authentication refused (${error.message})`);
    }
    if (/privateKey|private key|Cannot parse/i.test(error.message) && !error.level) {
      return new SshConfigError(this.target, `host ${this.host.name}: bad identityFile: ${error.message}`);
    }
    return new HostUnreachableError(
      this.target,
      `${this.target}: cannot connect (${error.code ?? error.message})`,
    );
  }
}

/** Reads a key file named as an admin wrote it (absolute, or `~/` of this worker's home). */
function readFileOnWorker(file: string): Promise<Buffer>;
function readFileOnWorker(file: string, encoding: 'utf8'): Promise<string>;
async function readFileOnWorker(file: string, encoding?: 'utf8'): Promise<Buffer | string> {
  const resolved = resolveWorkerPath(file);
  return encoding ? readFile(resolved, encoding) : readFile(resolved);
}
