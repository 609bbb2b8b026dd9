// Aborting a command in flight, over the local transport and over SSH to a real sshd: the
// exec rejects with core's AbortError (what Temporal reports as a cancelled activity), and
// the command's whole process group is stopped as the runner's cancel stops a run — TERM
// first, KILL after the grace for a command that ignores TERM. Each command prints the PID of
// a `sleep` it started in the background; the test waits until that process is gone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AbortError } from '../../core/errors.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { SshTransport } from '../../hosts/ssh/index.ts';
import type { StreamingExec, Transport } from '../../hosts/transport.ts';
import { sshHostFields, startSshd, type TestSshd } from '../support/sshd.ts';
import { waitFor } from '../support/wait.ts';
import { tempDir } from './helpers.ts';
import { running } from './process-running.ts';

/** Long enough that only a stop ends it; the graces below make the test hang, not pass, when TERM is lost. */
const NEVER_MS = 10 * 60_000;
const SHORT_GRACE_MS = 200;

/** The first line of the command's stdout: the PID it printed. */
async function printedPid(exec: StreamingExec): Promise<number> {
  let seen = '';
  for await (const chunk of exec.stdout) {
    seen += String(chunk);
    const line = /^(\d+)\n/.exec(seen);
    if (line) {
      exec.stdout.resume(); // keep draining: the command may write more
      return Number(line[1]);
    }
  }
  throw new Error(`the command printed no PID (stdout: ${JSON.stringify(seen)})`);
}

/**
 * Starts `script` under bash (which starts a background `sleep` and prints its PID), aborts it
 * once the sleep runs, and checks that the exec rejects as aborted and the sleep is gone.
 */
async function abortAndCheck(transport: Transport, script: string): Promise<void> {
  const controller = new AbortController();
  const exec = transport.execStream(['bash', '-c', script], { signal: controller.signal });
  const pid = await printedPid(exec);
  assert.ok(running(pid), `the sleep (${pid}) runs before the abort`);
  controller.abort('the activity was cancelled');
  const error = await exec.done.then(
    (result) => assert.fail(`the aborted exec resolved: ${JSON.stringify(result)}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AbortError, `an AbortError, not ${String(error)}`);
  assert.equal(error.name, 'AbortError');
  assert.match(error.message, /bash aborted \(the activity was cancelled\)/);
  await waitFor(() => !running(pid), { what: `the aborted command's sleep (${pid}) to be gone` });
}

/** A background sleep in the command's process group, its PID printed, then the command waits. */
const SLEEPER = 'sleep 301.5 & echo "$!"; wait';
/** The same, but neither the shell nor the sleep heeds TERM: only the KILL after the grace stops them. */
const STUBBORN = `trap '' TERM; ${SLEEPER}`;

void describe('an aborted exec stops its process group', () => {
  let sshd: TestSshd;
  let root: { dir: string; remove: () => Promise<void> };
  const sshTransport = (stopGraceMs: number) =>
    new SshTransport(
      { name: 'abort-test', kind: 'ssh', ...sshHostFields(sshd), workdir: path.join(root.dir, 'work') },
      { stopGraceMs },
    );

  before(async () => {
    root = await tempDir('exec-abort');
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
    await root?.remove();
  });

  void test('local: TERM stops the group', () =>
    abortAndCheck(new LocalTransport({ stopGraceMs: NEVER_MS }), SLEEPER));

  void test('local: a group that ignores TERM is killed after the grace', () =>
    abortAndCheck(new LocalTransport({ stopGraceMs: SHORT_GRACE_MS }), STUBBORN));

  void test('ssh: TERM reaches the remote group and the channel closes', async () => {
    const transport = sshTransport(NEVER_MS);
    try {
      await abortAndCheck(transport, SLEEPER);
      // The connection is still good for the next command.
      assert.equal((await transport.exec(['echo', 'still here'])).stdout, 'still here\n');
    } finally {
      await transport.close();
    }
  });

  void test('ssh: a remote group that ignores TERM is killed after the grace', async () => {
    const transport = sshTransport(SHORT_GRACE_MS);
    try {
      await abortAndCheck(transport, STUBBORN);
    } finally {
      await transport.close();
    }
  });

  void test('an exec aborted before it starts never runs', async () => {
    const transport = sshTransport(SHORT_GRACE_MS);
    const marker = path.join(root.dir, 'never-created');
    try {
      for (const t of [transport, new LocalTransport()]) {
        const controller = new AbortController();
        controller.abort('cancelled early');
        await assert.rejects(t.exec(['touch', marker], { signal: controller.signal }), {
          name: 'AbortError',
        });
      }
      assert.throws(() => readFileSync(marker), { code: 'ENOENT' });
    } finally {
      await transport.close();
    }
  });
});
