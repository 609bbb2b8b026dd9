// The local transport: no shell, streamed stdin and stdout, and timeouts and aborts that
// kill the command's whole process group.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { waitFor } from '../support/wait.ts';

const transport = new LocalTransport();

function processesWith(needle: string): string[] {
  return execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(needle));
}

void describe('LocalTransport', { concurrency: true }, () => {
  void test('passes arguments without a shell and reports the exit code and stderr', async () => {
    const result = await transport.exec(['printf', '%s|', '$(echo pwned)', '; rm -rf ~', '*']);
    assert.deepEqual(result, { code: 0, stdout: '$(echo pwned)|; rm -rf ~|*|', stderr: '' });
    const failed = await transport.exec(['bash', '-c', 'echo oops >&2; exit 7']);
    assert.deepEqual(failed, { code: 7, stdout: '', stderr: 'oops\n' });
  });

  void test("commands get the allowlist of this process's environment, never the rest", async () => {
    const secrets = { TUPLET_ADMIN_TOKEN: 'tpl_marker_token', DATABASE_URL: 'postgres://marker' };
    const saved = { ...process.env };
    Object.assign(process.env, secrets, { LC_TIME: 'C' });
    try {
      const { stdout } = await new LocalTransport().exec(['env']);
      for (const value of Object.values(secrets)) assert.ok(!stdout.includes(value), stdout);
      assert.match(stdout, /^LC_TIME=C$/m);
      assert.match(
        stdout,
        new RegExp(`^PATH=${process.env.PATH!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      );
    } finally {
      for (const name of [...Object.keys(secrets), 'LC_TIME']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  void test('streams stdin from a Readable and stdout as it comes, in a working directory', async () => {
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) yield `line ${i}\n`;
      })(),
    );
    const result = await transport.exec(['wc', '-l'], { stdin: input });
    assert.equal(result.stdout.trim(), '1000');
    const running = transport.execStream(['pwd'], { cwd: '/tmp' });
    let out = '';
    for await (const chunk of running.stdout) out += String(chunk);
    assert.equal(out, '/tmp\n');
    assert.equal((await running.done).code, 0);
  });

  void test('a timeout kills the process group, children included', async () => {
    const marker = 'sleep 47.123';
    await assert.rejects(transport.exec(['bash', '-c', `${marker} & ${marker}; wait`], { timeoutMs: 300 }), {
      name: 'CommandAbortedError',
      why: 'timeout',
    });
    await waitFor(() => processesWith(marker).length === 0, {
      what: `no process left running "${marker}"`,
      lastSeen: () => processesWith(marker),
    });
  });

  void test('an abort signal kills the command', async () => {
    const controller = new AbortController();
    const marker = 'sleep 48.123';
    const pending = transport.exec(['bash', '-c', `${marker} & wait`], { signal: controller.signal });
    // Abort a command that is really running, not one still being spawned.
    await waitFor(() => processesWith(marker).length > 0, { what: `"${marker}" to start` });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    await waitFor(() => processesWith(marker).length === 0, {
      what: `no process left running "${marker}"`,
      lastSeen: () => processesWith(marker),
    });
  });

  void test('a missing program is an error, not a hang', async () => {
    await assert.rejects(transport.exec(['/nonexistent/program']), { code: 'ENOENT' });
  });
});
