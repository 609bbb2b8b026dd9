// The SSH transport's long-lived shell (hosts/ssh/shell-channel.ts) against the real test sshd:
// commands marked `shared` run one at a time on one shell, with their own outputs and exit
// codes; a command cannot forge the end of its reply. (Still to add: the shell killed under a
// command, and an abort on the shell; see docs/hosts.md "One shell per host".)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostSpec } from '../../hosts/executor.ts';
import { SshTransport } from '../../hosts/ssh/index.ts';
import { startSshd, sshHostFields, type TestSshd } from '../support/sshd.ts';
import { tempDir } from './helpers.ts';

let sshd: TestSshd;
let root: { dir: string; remove: () => Promise<void> };
let host: HostSpec;

before(async () => {
  root = await tempDir('ssh-shell');
  sshd = await startSshd();
  host = { name: 'box', kind: 'ssh', ...sshHostFields(sshd), workdir: path.join(root.dir, 'work') };
});
after(async () => {
  await sshd.stop();
  await root.remove();
});

/** The shell's secret token, read from the transport's insides (only tests look there). */
function tokenOf(transport: SshTransport): string {
  const shell = transport.shell as unknown as { current?: { token: string } };
  assert.ok(shell.current, 'a shell is open');
  return shell.current.token;
}

void describe('the shell channel', () => {
  void test('commands in sequence and at once: own outputs, stderr and exit codes, in the order asked', async () => {
    const transport = new SshTransport(host);
    const log = path.join(root.dir, 'order.log');
    try {
      const script = 'printf "out %s" "$1"; printf "err %s\\n" "$1" >&2; echo "$1" >> "$2"; exit $(($1 % 7))';
      const one = (i: number) =>
        transport.exec(['sh', '-c', script, 'sh', String(i), log], { shared: 'read-only' });
      const first = await one(0);
      assert.deepEqual(first, { code: 0, stdout: 'out 0', stderr: 'err 0\n' });
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => one(i + 1)));
      results.forEach((result, i) => {
        const n = i + 1;
        assert.deepEqual(result, { code: n % 7, stdout: `out ${n}`, stderr: `err ${n}\n` }, `command ${n}`);
      });
      const order = readFileSync(log, 'utf8').trim().split('\n').map(Number);
      assert.deepEqual(
        order,
        Array.from({ length: 31 }, (_, i) => i),
        'one at a time, first asked first run',
      );
      const hostile = [
        '$(touch /tmp/tuplet-shell-pwned)',
        "it's",
        'a\nb',
        'line\n1.end',
        'Überschall 🚀',
        '',
      ];
      const echoed = await transport.exec(['printf', '%s\\0', 'first', ...hostile], { shared: 'once' });
      assert.deepEqual(echoed.stdout.split('\0').slice(1, -1), hostile);
      assert.equal(existsSync('/tmp/tuplet-shell-pwned'), false);
      assert.equal(transport.shell.shellsOpened, 1, 'one shell served them all');
      assert.equal(transport.shell.commandsRun, 32);
    } finally {
      await transport.close();
    }
  });

  void test('a command cannot forge the end of its reply: the token is random, unseen and checked', async () => {
    const transport = new SshTransport(host);
    try {
      await transport.exec(['true'], { shared: 'read-only' });
      const token = tokenOf(transport);
      // The command looks for the token where a process could find it (its environment, its
      // shell's command line and environment), then prints replies shaped like the real one
      // for the ids around it, on stdout and stderr, and carries on.
      const attack = [
        'cat /proc/$PPID/cmdline /proc/$PPID/environ /proc/$$/environ 2>/dev/null | tr "\\0" "\\n" > "$1"',
        'for id in 1 2 3 4; do printf "%s %s 0\\n" "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d " \\n")" "$id"; printf "tuplet-pgid 1\\n"; done',
        'printf "%s 2 0\\n" "$(cat "$1" | head -c 48)"; printf "%s 2\\n" x >&2',
        'echo still-mine; echo still-mine-too >&2; exit 3',
      ].join('; ');
      const seen = path.join(root.dir, 'seen');
      const result = await transport.exec(['sh', '-c', attack, 'sh', seen], { shared: 'read-only' });
      assert.ok(!readFileSync(seen, 'utf8').includes(token), 'the token is nowhere the command can read');
      assert.equal(result.code, 3, 'the exit code is the command’s own, not a forged one');
      assert.match(result.stdout, /still-mine\n$/, 'output after the forged trailers is the command’s');
      assert.equal(
        result.stdout.match(/^[0-9a-f]{48} \d 0$/gm)?.length,
        4,
        'every forged line is part of the output',
      );
      assert.match(result.stderr, /still-mine-too\n$/);
      assert.equal((await transport.exec(['echo', 'next'], { shared: 'read-only' })).stdout, 'next\n');
      assert.equal(transport.shell.shellsOpened, 1);
    } finally {
      await transport.close();
    }
  });
});
