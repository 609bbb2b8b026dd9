// A real SMTP server for tests: aiosmtpd (installed by scripts/ensure-aiosmtpd.sh) on a free
// port of 127.0.0.1, keeping every message it accepts in a maildir that the test reads.
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../workers/dev-server.ts';
import { waitFor } from './wait.ts';

export interface ReceivedMail {
  headers: Record<string, string>;
  body: string;
}

export interface TestSmtpServer {
  port: number;
  /** Every message received so far (the maildir's `new/`). */
  messages(): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

function parseMessage(text: string): ReceivedMail {
  const [head = '', ...rest] = text.replace(/\r\n/g, '\n').split('\n\n');
  const headers: Record<string, string> = {};
  // Folded header lines continue the previous one.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: rest.join('\n\n') };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `workDir` must exist; the maildir is made inside it by aiosmtpd. */
export async function startSmtpServer(workDir: string): Promise<TestSmtpServer> {
  const { stdout } = await promisify(execFile)('bash', ['scripts/ensure-aiosmtpd.sh']);
  const python = stdout.trim();
  const port = await freePort();
  const maildir = path.join(workDir, 'maildir');
  const child = spawn(
    python,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`aiosmtpd exited with ${child.exitCode}:\n${output}`);
      return accepts(port);
    },
    { what: `aiosmtpd to listen on 127.0.0.1:${port}`, timeoutMs: 30_000 },
  );
  return {
    port,
    async messages() {
      const dir = path.join(maildir, 'new');
      const names = await readdir(dir).catch(() => [] as string[]);
      return Promise.all(
        names.sort().map(async (n) => parseMessage(await readFile(path.join(dir, n), 'utf8'))),
      );
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
