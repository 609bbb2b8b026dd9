// The SSH transport's long-lived shell (hosts/ssh/shell-channel.ts) against the real test sshd:
// commands marked `shared` run one at a time on one shell, with their own outputs and exit
// codes; a command cannot forge the end of its reply. Recovery, abort and timeout are in
// ssh-shell-recovery.test.ts.
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

/**
 * Records what the client writes to the open shell (its greeting and requests), read from the
 * transport's insides (only tests look there), and returns the marks of the requests so far.
 */
function spyOnRequests(transport: SshTransport): () => string[] {
  const shell = transport.shell as unknown as {
    current?: { channel: { write: (data: unknown) => boolean } };
  };
  assert.ok(shell.current, 'a shell is open');
  const channel = shell.current.channel;
  const write = channel.write.bind(channel);
  const written: string[] = [];
  channel.write = (data: unknown) => {
    written.push(String(data));
    return write(data);
  };
  return () => written.flatMap((request) => /^([0-9a-f]{32}) \d+\n/.exec(request)?.[1] ?? []);
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

  void test('a command cannot forge the end of its reply: each request has its own random mark, unseen by the command', async () => {
    const transport = new SshTransport(host);
    try {
      await transport.exec(['true'], { shared: 'read-only' });
      const marks = spyOnRequests(transport);
      await transport.exec(['true'], { shared: 'read-only' });
      await transport.exec(['true'], { shared: 'read-only' });
      const [earlier, previous] = marks();
      assert.ok(earlier && previous && earlier !== previous, 'every request has a mark of its own');
      // The command looks for its mark where a process could find it (its environment, its
      // shells' command lines and environments), then prints replies shaped like the real one:
      // with random marks, with what it found, and with the marks of earlier requests (as if
      // one had leaked), on stdout and stderr, and carries on.
      const attack = [
        'for p in $$ $PPID; do cat /proc/$p/cmdline /proc/$p/environ 2>/dev/null; done | tr "\\0" "\\n" > "$1"',
        'for i in 1 2 3 4; do printf "%s 0\\n" "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \\n")"; printf "tuplet-pgid 1\\n"; done',
        'printf "%s 0\\n" "$(head -c 32 "$1")"',
        'for mark in "$2" "$3"; do printf "%s 0\\n" "$mark"; printf "%s\\n" "$mark" >&2; done',
        'echo still-mine; echo still-mine-too >&2; exit 3',
      ].join('; ');
      const seen = path.join(root.dir, 'seen');
      const result = await transport.exec(['sh', '-c', attack, 'sh', seen, earlier, previous], {
        shared: 'read-only',
      });
      const own = marks().at(-1)!;
      assert.ok(![earlier, previous].includes(own));
      assert.ok(!readFileSync(seen, 'utf8').includes(own), 'the mark is nowhere the command can read');
      assert.equal(result.code, 3, 'the exit code is the command’s own, not a forged one');
      assert.match(result.stdout, /still-mine\n$/, 'output after the forged trailers is the command’s');
      assert.equal(
        result.stdout.match(/^[0-9a-f]{32} 0$/gm)?.length,
        6,
        'every forged line is part of the output',
      );
      assert.match(result.stderr, new RegExp(`^${earlier}\n${previous}\nstill-mine-too\n$`, 'm'));
      assert.equal((await transport.exec(['echo', 'next'], { shared: 'read-only' })).stdout, 'next\n');
      assert.equal(transport.shell.shellsOpened, 1);
    } finally {
      await transport.close();
    }
  });
});
