// The SSH layer against a real sshd on 127.0.0.1 (test/support/sshd.ts): quoting, one
// pooled connection with bounded channels, reconnection, typed refusals (unknown or changed
// host key, bad key, unreachable), and the ssh executor with GPU slots surviving a dropped
// connection.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { HostSpec } from '../../hosts/executor.ts';
import { createExecutor } from '../../hosts/index.ts';
import { SshConnectionPool, SshTransport } from '../../hosts/ssh/index.ts';
import { startSshd, type TestSshd, sshHostFields } from '../support/sshd.ts';
import { freePort } from '../support/services.ts';
import { waitFor } from '../support/wait.ts';
import { pollUntilDone, seriesSpec, tempDir, wholeChunk } from './helpers.ts';

let sshd: TestSshd;
let root: { dir: string; remove: () => Promise<void> };
let host: HostSpec;

before(async () => {
  root = await tempDir('ssh');
  sshd = await startSshd();
  host = {
    name: 'gpu-box',
    kind: 'ssh',
    ...sshHostFields(sshd),
    workdir: path.join(root.dir, 'work'),
  };
});
after(async () => {
  await sshd.stop();
  await root.remove();
});

async function otherKeyLine(name: string): Promise<string> {
  const file = path.join(root.dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  return (await readFile(`${file}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
}

void describe('SshTransport', () => {
  void test('arguments arrive as text; stdin streams; exit codes and cwd', async () => {
    const transport = new SshTransport(host);
    try {
      const hostile = ['$(touch /tmp/tuplet-ssh-pwned)', '; rm -rf ~', "it's", 'a\nb', 'Überschall 🚀', ''];
      const echoed = await transport.exec(['printf', '%s\\0', 'first', ...hostile]);
      assert.deepEqual(echoed.stdout.split('\0').slice(1, -1), hostile);
      assert.throws(() => execFileSync('test', ['-e', '/tmp/tuplet-ssh-pwned']));
      const input = Readable.from(['one\n', 'two\n', 'three\n']);
      assert.equal((await transport.exec(['wc', '-l'], { stdin: input })).stdout.trim(), '3');
      assert.deepEqual(await transport.exec(['bash', '-c', 'pwd; echo err >&2; exit 5'], { cwd: '/tmp' }), {
        code: 5,
        stdout: '/tmp\n',
        stderr: 'err\n',
      });
    } finally {
      await transport.close();
    }
  });

  void test('one connection, at most 8 channels at once, the rest queued', async () => {
    const pool = new SshConnectionPool(host);
    const transport = new SshTransport(pool);
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          transport.exec(['bash', '-c', 'sleep 0.2; echo "$1"', 'x', String(i)]),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.stdout.trim()),
        Array.from({ length: 10 }, (_, i) => String(i)),
      );
      assert.equal(pool.connectionsOpened, 1);
      assert.equal(pool.load.peak, 8, 'eight channels at once, never more');

      // A dropped connection is replaced on the next command.
      pool.dropConnection();
      assert.equal((await transport.exec(['echo', 'back'])).stdout, 'back\n');
      assert.equal(pool.connectionsOpened, 2);
    } finally {
      await transport.close();
    }
  });

  void test('refuses a host whose key is not in known_hosts, or differs from it', async () => {
    const unknownFile = path.join(root.dir, 'known_hosts_unknown');
    await writeFile(unknownFile, `other.host ${await otherKeyLine('k1')}\n`);
    const unknown = new SshTransport({ ...host, knownHostsFile: unknownFile }, { connectAttempts: 1 });
    await assert.rejects(unknown.exec(['true']), (error: Error) => {
      assert.equal(error.name, 'HostKeyUnknownError');
      assert.match(error.message, /is not in .*refusing to connect/);
      return true;
    });
    assert.equal(unknown.pool.connectionsOpened, 0);
    await unknown.close();

    const changedFile = path.join(root.dir, 'known_hosts_changed');
    await writeFile(changedFile, `[127.0.0.1]:${sshd.port} ${await otherKeyLine('k2')}\n`);
    const changed = new SshTransport({ ...host, knownHostsFile: changedFile }, { connectAttempts: 1 });
    await assert.rejects(changed.exec(['true']), {
      name: 'HostKeyChangedError',
      message: /HOST KEY CHANGED/,
    });
    await changed.close();

    const none = new SshTransport({ ...host, knownHostsFile: undefined });
    await assert.rejects(none.exec(['true']), { name: 'HostKeyUnknownError' });
    await none.close();
  });

  void test('authenticates through an ssh agent when one is configured', async () => {
    const socket = path.join(root.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(socket), { what: `ssh-agent's socket ${socket}` });
      execFileSync('ssh-add', ['-q', sshd.identityFile], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
        stdio: 'ignore',
      });
      const viaAgent = new SshTransport({ ...host, identityFile: undefined }, { agent: socket });
      assert.equal((await viaAgent.exec(['echo', 'agent'])).stdout, 'agent\n');
      await viaAgent.close();
    } finally {
      agent.kill();
    }
  });

  void test('typed errors for a refused key and an unreachable host', async () => {
    await otherKeyLine('stranger');
    const stranger = new SshTransport({ ...host, identityFile: path.join(root.dir, 'stranger') });
    await assert.rejects(stranger.exec(['true']), { name: 'SshAuthError' });
    await stranger.close();

    const closedPort = await freePort();
    const nowhere = new SshTransport(
      { ...host, port: closedPort, knownHostsFile: sshd.knownHostsFile },
      { connectAttempts: 2, backoffMs: 50 },
    );
    await assert.rejects(nowhere.exec(['true']), { name: 'HostUnreachableError', message: /ECONNREFUSED/ });
    await nowhere.close();
  });
});

void describe('ssh executor', () => {
  void test('runs 8 GPU tuples two at a time with distinct CUDA_VISIBLE_DEVICES, across a dropped connection', async () => {
    const gpuHost: HostSpec = { ...host, gpus: 2 };
    const log = path.join(root.dir, 'gpu.log');
    const command = `s=$(date +%s.%N); sleep 0.4; echo "$s $(date +%s.%N) $CUDA_VISIBLE_DEVICES" >> ${log}`;
    const series = seriesSpec('gpu8', 'lr = 1...1...8\n', command);
    const chunk = wholeChunk(8);

    const first = createExecutor(gpuHost);
    await first.stageSeries(series);
    await first.stageChunk(series, chunk);
    const { jobId } = await first.submit(series, chunk);
    // The worker's connection goes away while the runs go on.
    await first.close();

    const second = createExecutor(gpuHost);
    try {
      const again = await second.submit(series, chunk);
      assert.equal(again.jobId, jobId, 'the runner survived the connection and is found again');
      const states = await pollUntilDone(second, series, chunk, 8, { timeoutMs: 30_000 });
      assert.deepEqual(
        [...states.values()].map((s) => s.state),
        Array(8).fill('succeeded'),
      );
      const spans = (await readFile(log, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => line.split(' '));
      assert.equal(spans.length, 8);
      assert.deepEqual(new Set(spans.map((s) => s[2])), new Set(['0', '1']));
      // Sweep over start/end events: never more than two runs at once, never two on one GPU.
      const events = spans.flatMap((s) => [
        { at: Number(s[0]), delta: 1, gpu: s[2]! },
        { at: Number(s[1]), delta: -1, gpu: s[2]! },
      ]);
      events.sort((a, b) => a.at - b.at || a.delta - b.delta);
      const busy = new Map<string, number>();
      let running = 0;
      for (const event of events) {
        running += event.delta;
        busy.set(event.gpu, (busy.get(event.gpu) ?? 0) + event.delta);
        assert.ok(running <= 2, 'at most two at once');
        assert.ok((busy.get(event.gpu) ?? 0) <= 1, `GPU ${event.gpu} never shared`);
      }
      const collected = await second.collect(series, chunk, path.join(root.dir, 'storage'));
      assert.equal(collected.runs, 8);
    } finally {
      await second.close();
    }
  });
});
