// `npm run bench -- local [N]`: N (1,000) runs of a 50 ms program on the local host with 2 slots,
// from the POST to the last run recorded, against `xargs -P 2` running the same N commands
// in the same process. Also reports orchestration CPU per tuple and the stack's peak memory.
import { execFileSync, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { updateHost } from '../db/hosts.ts';
import { startTemporal } from '../test/support/temporal.ts';
import { timeSeries } from './_series.ts';
import { timeline } from './_timeline.ts';
import { startTestStack } from '../test/support/stack.ts';

const n = Number(process.argv[2] ?? 1000);
const program = 'sleep 0.05';

function run(command: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'inherit'],
    });
    if (input !== undefined) child.stdin!.end(input);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

/** CPU seconds and resident memory of a process, from /proc. */
async function procStats(pid: number): Promise<{ cpu: number; rssMb: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rssPages = Number(stat[21]);
  return { cpu: ticks / 100, rssMb: (rssPages * 4096) / 2 ** 20 };
}

async function baseline(): Promise<number> {
  const start = performance.now();
  const lines = Array.from({ length: n }, () => program).join('\n');
  await run('xargs', ['-P', '2', '-I{}', 'bash', '-c', '{}'], `${lines}\n`);
  return (performance.now() - start) / 1000;
}

const temporal = await startTemporal();
const stack = await startTestStack({ temporalAddress: temporal.address });
try {
  await updateHost(stack.stack.database.db, 'local', { slots: 2 });
  await stack.request('POST', '/api/v1/applications', { name: 'bench-sleep', command: program });

  const baselineS = await baseline();

  const temporalPort = temporal.address.split(':').pop()!;
  const serverPid = Number(
    execFileSync('pgrep', ['-f', `start-dev.*${temporalPort}`], { encoding: 'utf8' })
      .trim()
      .split('\n')[0] ?? 0,
  );
  let peakTemporalMb = 0;
  const cpuBefore = process.cpuUsage();
  let peakRssMb = process.memoryUsage().rss / 2 ** 20;
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 2 ** 20);
    if (serverPid)
      void procStats(serverPid).then(
        (s) => (peakTemporalMb = Math.max(peakTemporalMb, s.rssMb)),
        () => undefined,
      );
  }, 200);
  const timed = await timeSeries(stack, {
    application: 'bench-sleep',
    host: 'local',
    n,
    description: 'bench local',
  });
  const { postedAt, recordedAt, seconds: oursS } = timed;
  const seriesDir = path.join(stack.dataDir, 'work', timed.id);
  const runnerStartedAt = (await stat(path.join(seriesDir, '.tuplet', 'chunk-0.pid'))).mtimeMs;
  const phases = await timeline(seriesDir, { postedAt, submittedAt: runnerStartedAt, recordedAt });
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuBefore);
  const orchestrationCpuS = (cpu.user + cpu.system) / 1e6;
  const temporalCpuS = serverPid ? (await procStats(serverPid)).cpu : 0;

  process.stdout.write(
    `local: ${n} runs of "${program}" with 2 slots: ours ${oursS.toFixed(2)} s, xargs -P 2 ${baselineS.toFixed(2)} s\n` +
      `timeline: ${JSON.stringify(phases)}\n` +
      `orchestration CPU (API + workers + PGlite, this process): ${orchestrationCpuS.toFixed(2)} s = ${((orchestrationCpuS / n) * 1000).toFixed(2)} ms per tuple; peak RSS ${peakRssMb.toFixed(0)} MB\n`,
  );
  process.stdout.write(
    `${JSON.stringify({
      bench: 'local',
      n,
      ours_s: +oursS.toFixed(3),
      baseline: 'xargs -P 2',
      baseline_s: +baselineS.toFixed(3),
      ratio: +(oursS / baselineS).toFixed(3),
      orchestration_cpu_ms_per_tuple: +((orchestrationCpuS / n) * 1000).toFixed(3),
      peak_rss_mb: Math.round(peakRssMb),
      peak_temporal_rss_mb: Math.round(peakTemporalMb),
      temporal_cpu_s_total: +temporalCpuS.toFixed(2),
      ...phases,
    })}\n`,
  );
} finally {
  await stack.stop();
  await temporal.stop();
}
