// `npm run bench -- slurm [N]`: N (1,000) trivial tuples on the loopback SLURM cluster,
// submitted over HTTP to a `slurm` host reached over SSH, from the POST to the last run
// recorded — against one raw `sbatch --array=0-<N-1>` of the same program until all its
// tasks finish, in the same run. Also counts what the host saw: sbatch calls, status calls
// (squeue of a poll) and SSH connections opened for the series. The host is checked first (its
// worker's connection open, as a running worker's is).
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sshConnectionsOpened } from '../hosts/ssh/index.ts';
import { startSlurm } from '../test/support/slurm.ts';
import { sshHostFields, startSshd } from '../test/support/sshd.ts';
import { startTestStack, tempDataDir, waitForSeries, type SeriesBody } from '../test/support/stack.ts';
import { startTemporal } from '../test/support/temporal.ts';
import { timeSeries } from './_series.ts';
import { formatStartPath, startPath } from './_start-path.ts';
import { timeline } from './_timeline.ts';

const n = Number(process.argv[2] ?? 1000);
const program = 'true';

const slurm = await startSlurm();
const work = await tempDataDir();

function run(command: string, args: string[], cwd = work): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { cwd, env: { ...process.env, ...slurm.env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command}: ${stderr}`)) : resolve(stdout),
    ),
  );
}

/** Counting wrappers in front of squeue and sbatch for the SSH sessions (they run the real ones). */
async function countingShims(dir: string) {
  await mkdir(dir, { recursive: true });
  for (const tool of ['squeue', 'sbatch']) {
    const real = (await run('bash', ['-c', `command -v ${tool}`])).trim();
    const file = path.join(dir, tool);
    await writeFile(
      file,
      `#!/bin/bash\nprintf '%s %s\\n' "$(date +%s.%N)" "$*" >>${dir}/${tool}.log\nexec ${real} "$@"\n`,
    );
    await chmod(file, 0o755);
  }
  const lines = async (tool: string) =>
    (await readFile(path.join(dir, `${tool}.log`), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return {
    /** Epoch seconds of each sbatch call. */
    sbatchTimes: async () => (await lines('sbatch')).map((l) => Number(l.split(' ')[0])),
    /** Epoch seconds of each poll's squeue. */
    pollTimes: async () =>
      (await lines('squeue')).filter((l) => l.includes('%K')).map((l) => Number(l.split(' ')[0])),
    path: `${dir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    count: async () => ({
      sbatch: (await lines('sbatch')).length,
      // The poll's squeue asks for the long format (with %K); submit's and cancel's do not.
      polls: (await lines('squeue')).filter((l) => l.includes('%K')).length,
    }),
  };
}

async function baseline(): Promise<number> {
  const dir = path.join(work, 'raw');
  await mkdir(dir, { recursive: true });
  const start = performance.now();
  const job = (
    await run('sbatch', ['--parsable', `--array=0-${n - 1}`, '-o', '/dev/null', '--wrap', program], dir)
  ).trim();
  while ((await run('squeue', ['-h', '-j', job, '-o', '%i']).catch(() => '')).trim() !== '') await sleep(100);
  return (performance.now() - start) / 1000;
}

const shims = await countingShims(path.join(work, 'shims'));
const sshd = await startSshd({ env: { ...slurm.env, PATH: shims.path } });
const temporal = await startTemporal();
const stack = await startTestStack({ temporalAddress: temporal.address });
try {
  const host = await stack.request('POST', '/api/v1/hosts', {
    name: 'bench-cluster',
    kind: 'slurm',
    ...sshHostFields(sshd),
    workdir: path.join(work, 'hosts'),
  });
  if (host.status !== 201) throw new Error(`POST /hosts: ${host.status} ${JSON.stringify(host.body)}`);
  await stack.request('POST', '/api/v1/applications', { name: 'bench-true', command: program });
  await sleep(6_000); // the embedded stack starts the new host's worker within 5 s
  // What an admin does with a new host, and what a running worker has: its connection open (the
  // pool keeps it alive) and the cluster's limits read. Without this the series pays the SSH
  // handshake and the shell's start once (about 0.4 s here), which no later series pays.
  const check = await stack.request('POST', '/api/v1/hosts/bench-cluster/check');
  if (check.status !== 200) throw new Error(`host check: ${check.status} ${JSON.stringify(check.body)}`);

  const baselineS = await baseline();

  const connectionsBefore = sshConnectionsOpened();
  const timed = await timeSeries(stack, {
    application: 'bench-true',
    host: 'bench-cluster',
    n,
    description: 'bench slurm',
  });
  const { postedAt, recordedAt, seconds: oursS } = timed;
  const final = await waitForSeries<SeriesBody>(stack, timed.id, (s) => s.state !== 'running', 10 * 60_000);
  const counted = await shims.count();
  const startEpoch = postedAt / 1000;
  const pollOffsets = (await shims.pollTimes()).map((t) => +(t - startEpoch).toFixed(1));
  const connections = sshConnectionsOpened() - connectionsBefore;
  const [firstSbatch = 0] = await shims.sbatchTimes();
  const phases = await timeline(path.join(work, 'hosts', timed.id), {
    postedAt,
    submittedAt: firstSbatch * 1000,
    recordedAt,
  });
  const gaps = pollOffsets.slice(1).map((t, i) => t - pollOffsets[i]!);
  const steps = await startPath(temporal, timed.id, postedAt);

  process.stdout.write(
    `slurm: ${n} runs of "${program}": ours ${oursS.toFixed(2)} s (POST → last run recorded), ` +
      `raw sbatch --array ${baselineS.toFixed(2)} s; series ${final.state}\n` +
      `sbatch calls ${counted.sbatch}, status calls ${counted.polls} (${(counted.polls / oursS).toFixed(2)}/s), ` +
      `SSH connections opened ${connections}\npolls at (s after POST): ${pollOffsets.join(' ')}\n` +
      `shortest gap between two status calls: ${Math.min(...gaps).toFixed(1)} s\n` +
      `timeline: ${JSON.stringify(phases)}\n` +
      `start path (ms after the POST; the host saw sbatch at ${Math.round(firstSbatch * 1000 - postedAt)}):\n` +
      `${formatStartPath(steps)}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({
      bench: 'slurm',
      n,
      ours_s: +oursS.toFixed(3),
      baseline: 'sbatch --array',
      baseline_s: +baselineS.toFixed(3),
      ratio: +(oursS / baselineS).toFixed(3),
      sbatch_calls: counted.sbatch,
      status_calls: counted.polls,
      ssh_connections: connections,
      final_state: final.state,
      min_status_gap_s: +Math.min(...gaps).toFixed(2),
      ...phases,
    })}\n`,
  );
} finally {
  await stack.stop();
  await temporal.stop();
  await sshd.stop();
  await slurm.stop();
}
