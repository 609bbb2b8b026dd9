// `npm run bench -- ssh-exec [N] [COMMAND…]`: the cost of one short command over SSH, as a
// fresh exec channel (sshd starts a login shell each time) against the connection's one
// long-lived shell (`shared: 'read-only'`, hosts/ssh/shell-channel.ts), N of each (200) of the
// same command (`true`), on the test sshd on 127.0.0.1, over one connection opened before the
// clock starts. The two kinds alternate command by command, so a change in the machine's load
// falls on both alike. Prints each kind's median, p95 and mean per command, and the ratio of
// the shell's total to the exec's.
import path from 'node:path';
import { SshTransport } from '../hosts/ssh/index.ts';
import type { ExecOptions } from '../hosts/transport.ts';
import { sshHostFields, startSshd } from '../test/support/sshd.ts';

const n = Number(process.argv[2] ?? 200);
const argv = process.argv.length > 3 ? process.argv.slice(3) : ['true'];
if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, not ${process.argv[2]}`);

function summary(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const total = ms.reduce((sum, x) => sum + x, 0);
  return { totalS: total / 1000, medianMs: at(0.5), p95Ms: at(0.95), meanMs: total / ms.length };
}

const sshd = await startSshd();
const transport = new SshTransport({
  name: 'bench',
  kind: 'ssh',
  ...sshHostFields(sshd),
  workdir: path.join(sshd.stateDir, 'work'),
});
try {
  const time = async (options: ExecOptions) => {
    const start = performance.now();
    const result = await transport.exec(argv, options);
    if (result.code !== 0) throw new Error(`${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
    return performance.now() - start;
  };
  // Connect and open the shell before the clock starts: both sides then pay per command only.
  await time({});
  await time({ shared: 'read-only' });
  const exec: number[] = [];
  const shell: number[] = [];
  for (let i = 0; i < n; i++) {
    exec.push(await time({}));
    shell.push(await time({ shared: 'read-only' }));
  }
  if (transport.shell.shellsOpened !== 1)
    throw new Error(`${transport.shell.shellsOpened} shells opened, not 1`);
  const ours = summary(shell);
  const baseline = summary(exec);
  const fmt = (s: ReturnType<typeof summary>) =>
    `median ${s.medianMs.toFixed(1)} ms, p95 ${s.p95Ms.toFixed(1)} ms, mean ${s.meanMs.toFixed(1)} ms`;
  process.stdout.write(
    `ssh-exec: ${n} × "${argv.join(' ')}" over one connection to the test sshd\n` +
      `fresh exec channel: ${fmt(baseline)}\nshared shell:       ${fmt(ours)}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({
      bench: 'ssh-exec',
      n,
      command: argv.join(' '),
      ours: 'shared shell',
      ours_s: +ours.totalS.toFixed(3),
      ours_median_ms: +ours.medianMs.toFixed(2),
      ours_p95_ms: +ours.p95Ms.toFixed(2),
      baseline: 'fresh exec channel',
      baseline_s: +baseline.totalS.toFixed(3),
      baseline_median_ms: +baseline.medianMs.toFixed(2),
      baseline_p95_ms: +baseline.p95Ms.toFixed(2),
      ratio: +(ours.totalS / baseline.totalS).toFixed(3),
    })}\n`,
  );
} finally {
  await transport.close();
  await sshd.stop();
}
