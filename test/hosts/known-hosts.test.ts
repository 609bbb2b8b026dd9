// known_hosts checks against files written by OpenSSH's own ssh-keygen (hashed entries
// with `ssh-keygen -H`), so the format is the real one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkHostKey, fingerprint, parseKnownHosts } from '../../hosts/ssh/known-hosts.ts';
import { tempDir } from './helpers.ts';

let root: { dir: string; remove: () => Promise<void> };
let keyA: { line: string; blob: Buffer };
let keyB: { line: string; blob: Buffer };

async function newKey(name: string): Promise<{ line: string; blob: Buffer }> {
  const file = path.join(root.dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const line = (await readFile(`${file}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  return { line, blob: Buffer.from(line.split(' ')[1]!, 'base64') };
}

before(async () => {
  root = await tempDir('known-hosts');
  keyA = await newKey('a');
  keyB = await newKey('b');
});
after(() => root.remove());

void describe('known_hosts', () => {
  void test('plain names, [host]:port, wildcards and negation', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        `gpu1.lab,10.0.0.5 ${keyA.line}`,
        `[127.0.0.1]:2222 ${keyA.line} test host`,
        `*.cluster.org,!evil.cluster.org ${keyB.line}`,
        'garbage line',
      ].join('\n'),
    );
    assert.equal(entries.length, 3);
    assert.deepEqual(checkHostKey(entries, 'gpu1.lab', 22, keyA.blob), { kind: 'ok', line: 2 });
    assert.deepEqual(checkHostKey(entries, '10.0.0.5', 22, keyA.blob), { kind: 'ok', line: 2 });
    assert.deepEqual(checkHostKey(entries, '127.0.0.1', 2222, keyA.blob), { kind: 'ok', line: 3 });
    assert.deepEqual(
      checkHostKey(entries, '127.0.0.1', 22, keyA.blob),
      { kind: 'unknown' },
      'port 22 is another entry',
    );
    assert.deepEqual(checkHostKey(entries, '127.0.0.1', 2222, keyB.blob), { kind: 'changed', lines: [3] });
    assert.deepEqual(checkHostKey(entries, 'head.cluster.org', 22, keyB.blob), { kind: 'ok', line: 4 });
    assert.deepEqual(checkHostKey(entries, 'evil.cluster.org', 22, keyB.blob), { kind: 'unknown' });
  });

  void test('hashed entries written by ssh-keygen -H', async () => {
    const file = path.join(root.dir, 'known_hosts');
    await writeFile(file, `[127.0.0.1]:2222 ${keyA.line}\ngpu1.lab ${keyB.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes('127.0.0.1') && text.startsWith('|1|'), 'the file is hashed');
    const entries = parseKnownHosts(text);
    assert.equal(checkHostKey(entries, '127.0.0.1', 2222, keyA.blob).kind, 'ok');
    assert.equal(checkHostKey(entries, 'gpu1.lab', 22, keyB.blob).kind, 'ok');
    assert.equal(checkHostKey(entries, 'gpu1.lab', 22, keyA.blob).kind, 'changed');
    assert.equal(checkHostKey(entries, 'gpu2.lab', 22, keyA.blob).kind, 'unknown');
  });

  void test('@revoked keys are refused; fingerprints match ssh-keygen -l', async () => {
    const entries = parseKnownHosts(`gpu1.lab ${keyA.line}\n@revoked * ${keyA.line}\n`);
    assert.deepEqual(checkHostKey(entries, 'gpu1.lab', 22, keyA.blob), { kind: 'revoked', line: 2 });
    const listed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(root.dir, 'a.pub')], {
      encoding: 'utf8',
    });
    assert.equal(listed.split(' ')[1], fingerprint(keyA.blob));
  });
});
