// Key files named relative to the worker's home (`~/.ssh/id_ed25519`) are resolved on the
// worker that serves the host, against a real sshd; anything neither absolute nor `~/` is refused.
import assert from 'node:assert/strict';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SshTransport } from '../../hosts/ssh/index.ts';
import { resolveWorkerPath } from '../../hosts/ssh/worker-path.ts';
import { startSshd, type TestSshd } from '../support/sshd.ts';

let sshd: TestSshd;
const homeDir = `.cache/tuplet-test-keys-${process.pid}`;

before(async () => {
  sshd = await startSshd();
  await mkdir(path.join(os.homedir(), homeDir), { recursive: true, mode: 0o700 });
});
after(async () => {
  await rm(path.join(os.homedir(), homeDir), { recursive: true, force: true });
  await sshd.stop();
});

void test('~/ key files resolve against the worker home and connect', async () => {
  await copyFile(sshd.identityFile, path.join(os.homedir(), homeDir, 'id'));
  await copyFile(sshd.knownHostsFile, path.join(os.homedir(), homeDir, 'known_hosts'));
  const transport = new SshTransport({
    name: 'tilde',
    kind: 'ssh',
    address: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    identityFile: `~/${homeDir}/id`,
    knownHostsFile: `~/${homeDir}/known_hosts`,
    workdir: '/tmp',
  });
  try {
    assert.equal((await transport.exec(['echo', 'reached'])).stdout, 'reached\n');
  } finally {
    await transport.close();
  }
});

void test('relative and other-user home paths are refused', () => {
  assert.equal(resolveWorkerPath('~/.ssh/k', '/home/w'), '/home/w/.ssh/k');
  assert.equal(resolveWorkerPath('/etc/k', '/home/w'), '/etc/k');
  assert.throws(() => resolveWorkerPath('~root/.ssh/id', '/home/w'), /neither absolute nor relative/);
  assert.throws(() => resolveWorkerPath('.ssh/id', '/home/w'), /neither absolute nor relative/);
});
