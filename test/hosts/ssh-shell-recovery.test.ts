// The SSH transport's long-lived shell (hosts/ssh/shell-channel.ts) when things go wrong, against
// the real test sshd: the shell killed under a command (a read-only command is run again on an
// exec, a `once` command fails saying so, the next command gets a fresh shell), a command
// aborted or timed out on the shell (its group is stopped, the shell answers the next one), and
// a command aborted while it waits for its turn (it never runs).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AbortError } from '../../core/errors.ts';
import type { HostSpec } from '../../hosts/executor.ts';
import { HostUnreachableError, SshTransport } from '../../hosts/ssh/index.ts';
import { CommandAbortedError, type ExecOptions } from '../../hosts/transport.ts';
import { startSshd, sshHostFields, type TestSshd } from '../support/sshd.ts';
import { waitFor } from '../support/wait.ts';
import { tempDir } from './helpers.ts';
import { running, stopped } from './process-running.ts';

/** Short, so a command that ignores TERM is KILLed soon; the test waits for conditions, not for it. */
const SHORT_GRACE_MS = 200;

let sshd: TestSshd;
let root: { dir: string; remove: () => Promise<void> };
let host: HostSpec;
let dirs = 0;

before(async () => {
  root = await tempDir('ssh-shell-recovery');
  sshd = await startSshd();
  host = { name: 'box', kind: 'ssh', ...sshHostFields(sshd), workdir: path.join(root.dir, 'work') };
});
after(async () => {
  await sshd.stop();
  await root.remove();
});

function freshDir(): string {
  return path.join(root.dir, `case-${++dirs}`);
}

/**
 * A command that, the first time it runs, writes its PID (it is its process group's leader,
 * and becomes the `sleep`) and sleeps until stopped; any later time it prints `again`. `trap`
 * makes it ignore TERM, so only a KILL stops it.
 */
function sleeper(dir: string, { ignoreTerm = false } = {}): string[] {
  const trap = ignoreTerm ? "trap '' TERM; " : '';
  const script = `${trap}if mkdir "$1" 2>/dev/null; then echo $$ > "$1/pid.new" && mv "$1/pid.new" "$1/pid"; exec sleep 301; else echo again; fi`;
  return ['sh', '-c', script, 'sh', dir];
}

/** The PID the sleeper wrote, once it runs. */
async function sleeperPid(dir: string): Promise<number> {
  const file = path.join(dir, 'pid');
  return waitFor(() => (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0), {
    what: `the command to write ${file}`,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (result) => assert.fail(`expected a failure, got ${JSON.stringify(result)}`),
    (error: unknown) => error,
  );
}

void describe('the shell channel recovers', () => {
  for (const shared of ['read-only', 'once'] as const) {
    void test(`the shell killed under a ${shared} command: ${shared === 'read-only' ? 'run again on an exec' : 'fails saying so'}, the next command gets a fresh shell`, async () => {
      const transport = new SshTransport(host);
      try {
        assert.equal((await transport.exec(['echo', 'up'], { shared })).stdout, 'up\n');
        const shellPid = transport.shell.pid;
        assert.ok(shellPid, 'the shell told its PID');
        const dir = freshDir();
        const running_ = transport.exec(sleeper(dir), { shared });
        const pid = await sleeperPid(dir);
        process.kill(shellPid, 'SIGKILL');
        if (shared === 'read-only') {
          // Its second run (on an exec of its own) finds the directory and prints `again`.
          assert.deepEqual(await running_, { code: 0, stdout: 'again\n', stderr: '' });
        } else {
          const error = await rejection(running_);
          assert.ok(error instanceof HostUnreachableError, `a lost connection, not ${String(error)}`);
          assert.match(error.message, /the shell channel was lost while sh ran/);
        }
        await waitFor(() => !running(pid), { what: `the lost shell's command (${pid}) to be gone` });
        const next = await transport.exec(['sh', '-c', 'echo next; exit 4'], { shared });
        assert.deepEqual(next, { code: 4, stdout: 'next\n', stderr: '' });
        assert.equal(transport.shell.shellsOpened, 2, 'a fresh shell');
        assert.notEqual(transport.shell.pid, shellPid);
      } finally {
        await transport.close();
      }
    });
  }

  for (const ignoreTerm of [false, true]) {
    void test(`a command aborted on the shell (${ignoreTerm ? 'ignoring TERM' : 'heeding TERM'}) is stopped; the shell answers the command queued behind it`, async () => {
      const transport = new SshTransport(host, { stopGraceMs: SHORT_GRACE_MS });
      try {
        await transport.exec(['true'], { shared: 'read-only' });
        const shellPid = transport.shell.pid;
        const dir = freshDir();
        const controller = new AbortController();
        const aborted = transport.exec(sleeper(dir, { ignoreTerm }), {
          shared: 'read-only',
          signal: controller.signal,
        });
        const queued = transport.exec(['echo', 'behind'], { shared: 'read-only' });
        const pid = await sleeperPid(dir);
        controller.abort('the activity was cancelled');
        const error = await rejection(aborted);
        assert.ok(error instanceof AbortError, `an AbortError, not ${String(error)}`);
        assert.match(error.message, /sh aborted \(the activity was cancelled\)/);
        assert.ok(stopped(pid), `the aborted command (${pid}) is KILLed or gone once the abort is reported`);
        assert.deepEqual(await queued, { code: 0, stdout: 'behind\n', stderr: '' });
        assert.equal(transport.shell.shellsOpened, 1, 'the same shell');
        assert.equal(transport.shell.pid, shellPid);
      } finally {
        await transport.close();
      }
    });
  }

  void test('a command that runs past its time limit on the shell is stopped; the shell answers the next', async () => {
    const transport = new SshTransport(host, { stopGraceMs: SHORT_GRACE_MS });
    try {
      const dir = freshDir();
      const timed = transport.exec(sleeper(dir), { shared: 'read-only', timeoutMs: 500 });
      const error = await rejection(timed);
      assert.ok(error instanceof CommandAbortedError, `a CommandAbortedError, not ${String(error)}`);
      assert.equal(error.why, 'timeout');
      // The command may have been stopped before it wrote its PID (the reply waits for it to end either way).
      const pidFile = path.join(dir, 'pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
      assert.ok(pid === undefined || stopped(pid), `the timed-out command (${pid}) is KILLed or gone`);
      assert.equal((await transport.exec(['echo', 'next'], { shared: 'read-only' })).stdout, 'next\n');
      assert.equal(transport.shell.shellsOpened, 1);
    } finally {
      await transport.close();
    }
  });

  void test('a command aborted while waiting for its turn never runs; the others run in order', async () => {
    const transport = new SshTransport(host);
    try {
      const dir = freshDir();
      const release = path.join(root.dir, `release-${dirs}`);
      const log = path.join(root.dir, `log-${dirs}`);
      const options: ExecOptions = { shared: 'read-only' };
      // The first holds the shell until the test releases it.
      const first = transport.exec(
        [
          'sh',
          '-c',
          'mkdir "$1" && echo $$ > "$1/pid"; while [ ! -e "$2" ]; do sleep 0.05; done; echo first >> "$3"',
          'sh',
          dir,
          release,
          log,
        ],
        options,
      );
      const controller = new AbortController();
      const skipped = transport.exec(['sh', '-c', 'echo skipped >> "$1"', 'sh', log], {
        ...options,
        signal: controller.signal,
      });
      const last = transport.exec(['sh', '-c', 'echo last >> "$1"', 'sh', log], options);
      await sleeperPid(dir);
      controller.abort('no longer wanted');
      const error = await rejection(skipped);
      assert.ok(error instanceof AbortError, `an AbortError, not ${String(error)}`);
      writeFileSync(release, '');
      await Promise.all([first, last]);
      assert.equal(readFileSync(log, 'utf8'), 'first\nlast\n');
      assert.equal(transport.shell.commandsRun, 2);
    } finally {
      await transport.close();
    }
  });
});
