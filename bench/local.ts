// `npm run bench -- local [N] [ROUNDS]`: N (1,000) runs of a 50 ms program on the local host
// with 2 slots, from the POST to the last run recorded, against `xargs -P 2` running the same
// N commands in the same process; ROUNDS (1) times, the two alternating. Also reports where
// ours spends the time xargs does not (the timeline), orchestration CPU per tuple and the
// stack's peak memory.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { updateHost } from '../db/hosts.ts';
import { startTemporal } from '../test/support/temporal.ts';
import { timeSeries } from './_series.ts';
import { runPhase, timeline } from './_timeline.ts';
import { startTestStack } from '../test/support/stack.ts';

const n = Number(process.argv[2] ?? 1000);
const rounds = Math.max(1, Number(process.argv[3] ?? 1));
const program = 'sleep 0.05';
const slots = 2;
/** What the runner's worker creates per run: claim, attempt, started, stdout, stderr, ended, exit. */
const FILES_PER_RUN = 7;

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

const load = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ')[0]!;

async function baseline(): Promise<number> {
  const start = performance.now();
  const lines = Array.from({ length: n }, () => program).join('\n');
  await run('xargs', ['-P', String(slots), '-I{}', 'bash', '-c', '{}'], `${lines}\n`);
  return (performance.now() - start) / 1000;
}

/**
 * What creating one small file costs in `dir` now, ms: 400 files from one shell, less the
 * shell's own start. It varies with the filesystem's state (on a journal-less ext4, with how
 * many inodes were freed in the last minutes), and xargs creates none.
 */
async function fileCreateMs(dir: string): Promise<number> {
  const scratch = await mkdtemp(path.join(dir, 'bench-files-'));
  const time = async (count: number) => {
    const start = performance.now();
    await run('bash', [
      '-c',
      `cd "$1" && for ((i = 0; i < $2; i++)); do : >"f$i"; done`,
      'x',
      scratch,
      String(count),
    ]);
    return performance.now() - start;
  };
  try {
    const empty = await time(0);
    return Math.max(0, (await time(400)) - empty) / 400;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const temporal = await startTemporal();
const stack = await startTestStack({ temporalAddress: temporal.address });
try {
  await updateHost(stack.stack.database.db, 'local', { slots });
  await stack.request('POST', '/api/v1/applications', { name: 'bench-sleep', command: program });
  const workdir = path.join(stack.dataDir, 'work');
  const temporalPort = temporal.address.split(':').pop()!;
  const serverPid = Number(
    execFileSync('pgrep', ['-f', `start-dev.*${temporalPort}`], { encoding: 'utf8' })
      .trim()
      .split('\n')[0] ?? 0,
  );
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const loadBefore = await load();
    const baselineS = await baseline();
    const createMs = await fileCreateMs(stack.dataDir);

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
    let cpu = process.cpuUsage(cpuBefore);
    const timed = await timeSeries(
      stack,
      { application: 'bench-sleep', host: 'local', n, description: `bench local ${round + 1}` },
      () => {
        clearInterval(sampler);
        cpu = process.cpuUsage(cpuBefore);
      },
    );
    const loadAfter = await load();
    const { postedAt, recordedAt, finishedAt, seconds: oursS } = timed;
    const seriesDir = path.join(workdir, timed.id);
    const runnerStartedAt = (await stat(path.join(seriesDir, '.tuplet', 'chunk-0.pid'))).mtimeMs;
    const phases = await timeline(seriesDir, {
      postedAt,
      submittedAt: runnerStartedAt,
      recordedAt,
      finishedAt,
    });
    const phase = await runPhase(seriesDir, slots);
    const orchestrationCpuS = (cpu.user + cpu.system) / 1e6;
    const temporalCpuS = serverPid ? (await procStats(serverPid)).cpu : 0;
    const ratio = oursS / baselineS;
    ratios.push(ratio);

    // Where ours spends the seconds xargs does not. xargs' own time is N commands over the
    // slots; ours' run phase is its runs (each the same `bash -c`, forked by the worker of its
    // slot) and the gaps between them on a slot, plus whatever else held a slot idle.
    const xargsCommandMs = (baselineS * 1000 * slots) / n;
    const runsBeyond = phase.runs_s - baselineS;
    const idle = phases.first_run_to_last_exit_s - phase.runs_s - phase.gaps_s;
    const f = (s: number) => `${s >= 0 ? '+' : ''}${s.toFixed(2)} s`;
    process.stdout.write(
      `local round ${round + 1}/${rounds}: ${n} runs of "${program}" with ${slots} slots, load ${loadBefore} → ${loadAfter}: ` +
        `ours ${oursS.toFixed(2)} s, xargs -P ${slots} ${baselineS.toFixed(2)} s, ratio ${ratio.toFixed(3)}\n` +
        `  where ours' extra ${f(oursS - baselineS)} goes:\n` +
        `    POST → runner started (API, workflow, run rows, staging, submit) ${f(phases.post_to_submit_s)}\n` +
        `    runner started → first run started (its chunk list, run directories) ${f(phases.submit_to_first_run_s)}\n` +
        `    runs longer than xargs' commands: ${phase.run_mean_ms.toFixed(1)} ms against ${xargsCommandMs.toFixed(1)} ms each ${f(runsBeyond)}\n` +
        `    gaps between a run's end and the next start on its slot: ${phase.gap_mean_ms.toFixed(1)} ms each ${f(phase.gaps_s)}\n` +
        `    slots idle otherwise (ramp-up, the last run alone) ${f(idle)}\n` +
        `    last exit file → last run recorded (poll, record, the bench's asks every 250 ms) ${f(phases.last_exit_to_recorded_s)}\n` +
        `  then recorded → series finished (collect, archive) ${(phases.recorded_to_finished_s ?? 0).toFixed(2)} s (not in the ratio)\n` +
        `  a file created in the data dir costs ${createMs.toFixed(2)} ms now; the runner creates ${FILES_PER_RUN} per run: ` +
        `${((createMs * FILES_PER_RUN * n) / slots / 1000).toFixed(2)} s of the run phase at this cost\n` +
        `  orchestration CPU (API + workers + PGlite, this process) from the POST to the last run recorded: ${orchestrationCpuS.toFixed(2)} s = ${((orchestrationCpuS / n) * 1000).toFixed(2)} ms per tuple; peak RSS ${peakRssMb.toFixed(0)} MB\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'local',
        round: round + 1,
        n,
        ours_s: +oursS.toFixed(3),
        baseline: `xargs -P ${slots}`,
        baseline_s: +baselineS.toFixed(3),
        ratio: +ratio.toFixed(3),
        load_before: Number(loadBefore),
        load_after: Number(loadAfter),
        orchestration_cpu_ms_per_tuple: +((orchestrationCpuS / n) * 1000).toFixed(3),
        peak_rss_mb: Math.round(peakRssMb),
        peak_temporal_rss_mb: Math.round(peakTemporalMb),
        temporal_cpu_s_total: +temporalCpuS.toFixed(2),
        file_create_ms: +createMs.toFixed(3),
        xargs_command_ms: +xargsCommandMs.toFixed(2),
        ...phases,
        ...phase,
      })}\n`,
    );
  }
  if (rounds > 1) process.stdout.write(`ratios: ${ratios.map((r) => r.toFixed(3)).join(', ')}\n`);
} finally {
  await stack.stop();
  await temporal.stop();
}
