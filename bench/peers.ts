// `npm run bench -- peers [N] [WHICH]`: the same N (200) trivial tasks on the loopback SLURM
// through one raw `sbatch --array`, Tuplet (`bench slurm`, run as a child), submitit and
// Snakemake's SLURM executor plugin, each at its defaults and at its fastest documented
// settings. WHICH (all) is a comma list of raw, tuplet, submitit, snakemake. For each: seconds
// from the start to all tasks done (the newest task marker's mtime) and to all done known to
// the tool (its process returns), and their ratios to raw. The peers are installed into a
// venv under .tools/ on first use (scripts/ensure-peers.sh). Method and caveats: docs/peers.md.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSlurm } from '../test/support/slurm.ts';
import { tempDataDir } from '../test/support/stack.ts';

const n = Number(process.argv[2] ?? 200);
const which = (process.argv[3] ?? 'raw,tuplet,submitit,snakemake').split(',');
/** A peer configuration that has not finished by then is reported as such and killed. */
const CONFIG_TIMEOUT_MS = 20 * 60_000;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const here = path.join(repo, 'bench', 'peers');
const exec = promisify(execFile);

interface Outcome {
  tool: string;
  config: string;
  settings: string;
  ok: boolean;
  /** Start → newest task marker (the last task's work done). */
  all_done_s?: number;
  /** Start → the tool knows every task is done. */
  known_done_s?: number;
  note?: string;
}

const load = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');

/** Seconds from `startMs` to the newest mtime in `dir`, and how many files it holds. */
async function newestMarker(dir: string, startMs: number): Promise<{ count: number; s: number }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let newest = 0;
  for (const name of names) newest = Math.max(newest, (await stat(path.join(dir, name))).mtimeMs);
  return { count: names.length, s: (newest - startMs) / 1000 };
}

/** Runs a command in its own process group; on timeout kills the group. */
function runBounded(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, CONFIG_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

const tail = (text: string, lines = 4) => text.trim().split('\n').slice(-lines).join(' | ');

const slurm = await startSlurm();
const work = await tempDataDir();
const slurmEnv = { ...process.env, ...slurm.env };

async function raw(): Promise<Outcome> {
  const markers = path.join(work, 'raw', 'markers');
  await mkdir(markers, { recursive: true });
  const start = Date.now();
  const job = (
    await exec(
      'sbatch',
      [
        '--parsable',
        `--array=0-${n - 1}`,
        '-o',
        '/dev/null',
        '--wrap',
        `touch ${markers}/$SLURM_ARRAY_TASK_ID`,
      ],
      { env: slurmEnv },
    )
  ).stdout.trim();
  // Known as done: squeue no longer lists any task (polled every 0.1 s).
  while (
    (
      await exec('squeue', ['-h', '-j', job, '-o', '%i'], { env: slurmEnv }).catch(() => ({ stdout: '' }))
    ).stdout.trim()
  )
    await sleep(100);
  const known = (Date.now() - start) / 1000;
  const done = await newestMarker(markers, start);
  return {
    tool: 'raw',
    config: 'sbatch --array',
    settings: `one sbatch --array=0-${n - 1}; squeue polled every 0.1 s`,
    ok: done.count === n,
    all_done_s: done.s,
    known_done_s: known,
  };
}

/** `bench slurm N` as a child: Tuplet's POST → last run recorded, and its last exit file. */
async function tuplet(): Promise<Outcome> {
  const result = await runBounded(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'slurm', String(n)], {
    cwd: repo,
    env: process.env,
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  const settings = 'bench slurm: a slurm host over SSH, defaults of the host worker';
  if (result.code !== 0 || !line.startsWith('{'))
    return {
      tool: 'tuplet',
      config: 'default',
      settings,
      ok: false,
      note: tail(result.stderr || result.stdout),
    };
  const figures = JSON.parse(line) as {
    ours_s: number;
    baseline_s: number;
    last_exit_to_recorded_s: number;
    final_state: string;
  };
  return {
    tool: 'tuplet',
    config: 'default',
    settings,
    ok: figures.final_state === 'completed',
    all_done_s: figures.ours_s - figures.last_exit_to_recorded_s,
    known_done_s: figures.ours_s,
    note: `series ${figures.final_state}; its own raw baseline in the same child: ${figures.baseline_s} s`,
  };
}

async function submitit(python: string, mode: 'default' | 'fastest'): Promise<Outcome> {
  const dir = path.join(work, `submitit-${mode}`);
  const markers = path.join(dir, 'markers');
  await mkdir(markers, { recursive: true });
  const settings =
    mode === 'default'
      ? 'AutoExecutor; executor.submit() per task (one sbatch each, 0.2 s apart); job.result() of each (1 s poll)'
      : 'AutoExecutor; executor.map_array() (one sbatch), slurm_array_parallelism=N, slurm_use_srun=False; ' +
        'helpers.as_completed(poll_frequency=0.1)';
  const start = Date.now();
  const result = await runBounded(
    python,
    [
      path.join(here, 'submitit_tasks.py'),
      '--mode',
      mode,
      '--tasks',
      String(n),
      '--folder',
      path.join(dir, 'jobs'),
      '--markers',
      markers,
    ],
    { cwd: dir, env: slurmEnv },
  );
  const done = await newestMarker(markers, start);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !line.startsWith('{'))
    return {
      tool: 'submitit',
      config: mode,
      settings,
      ok: false,
      note: result.timedOut ? `not done after ${CONFIG_TIMEOUT_MS / 1000} s` : tail(result.stderr),
    };
  const { known_at: knownAt } = JSON.parse(line) as { known_at: number };
  return {
    tool: 'submitit',
    config: mode,
    settings,
    ok: done.count === n,
    all_done_s: done.s,
    known_done_s: (knownAt * 1000 - start) / 1000,
  };
}

/**
 * The plugin's job step strips every SLURM_* variable but a few job ids before its nested
 * `srun`, SLURM_CONF included, so srun looks for the default /etc/slurm/slurm.conf. Rather
 * than write one there (a machine-wide file other tests may not expect), the Snakemake runs
 * get an `srun` earlier on PATH that puts SLURM_CONF back and runs the real one.
 */
async function srunShim(): Promise<string> {
  const dir = path.join(work, 'srun-shim');
  await mkdir(dir, { recursive: true });
  const real = (await exec('bash', ['-c', 'command -v srun'])).stdout.trim();
  await writeFile(path.join(dir, 'srun'), `#!/bin/sh\nSLURM_CONF='${slurm.slurmConf}' exec ${real} "$@"\n`);
  await chmod(path.join(dir, 'srun'), 0o755);
  return dir;
}

const SNAKEMAKE_CONFIGS: Record<'default' | 'fastest' | 'array', string[]> = {
  // Defaults, but for the two settings this cluster needs: without slurmdbd the default
  // status command (sacct) never sees a job finish, and the plugin only keeps squeue when
  // MinJobAge (60 s here) ≥ 3 × the status interval (default 40 s).
  default: [
    '--jobs',
    String(n),
    '--slurm-status-command',
    'squeue',
    '--slurm-init-seconds-before-status-checks',
    '20',
  ],
  fastest: [
    '--jobs',
    String(n),
    '--slurm-status-command',
    'squeue',
    '--slurm-init-seconds-before-status-checks',
    '1',
    '--slurm-no-account',
    '--latency-wait',
    '0',
    '--max-jobs-per-timespan',
    `${n}/1s`,
    '--max-status-checks-per-second',
    '10',
  ],
  array: [],
};
SNAKEMAKE_CONFIGS.array = [...SNAKEMAKE_CONFIGS.fastest, '--slurm-array-jobs', 'all'];

async function snakemake(
  bin: string,
  shim: string,
  config: keyof typeof SNAKEMAKE_CONFIGS,
): Promise<Outcome> {
  const dir = path.join(work, `snakemake-${config}`);
  await mkdir(dir, { recursive: true });
  const args = ['--executor', 'slurm', ...SNAKEMAKE_CONFIGS[config]];
  const settings = args.join(' ');
  const start = Date.now();
  const result = await runBounded(
    bin,
    ['--snakefile', path.join(here, 'Snakefile'), '--directory', dir, '--config', `tasks=${n}`, ...args],
    { cwd: dir, env: { ...slurmEnv, PATH: `${shim}:${process.env.PATH}` } },
  );
  const known = (Date.now() - start) / 1000;
  const done = await newestMarker(path.join(dir, 'markers'), start);
  if (result.code !== 0)
    return {
      tool: 'snakemake',
      config,
      settings,
      ok: false,
      note: result.timedOut
        ? `not done after ${CONFIG_TIMEOUT_MS / 1000} s (${done.count} of ${n} markers)`
        : `exit ${result.code} after ${known.toFixed(1)} s, ${done.count} of ${n} markers: ${tail(result.stderr, 6)}`,
    };
  return {
    tool: 'snakemake',
    config,
    settings,
    ok: done.count === n,
    all_done_s: done.s,
    known_done_s: known,
  };
}

async function versions(python: string): Promise<Record<string, string>> {
  const script =
    'import importlib.metadata as m, json; ' +
    'print(json.dumps({p: m.version(p) for p in ["submitit", "snakemake", "snakemake-executor-plugin-slurm", ' +
    '"snakemake-executor-plugin-slurm-jobstep"]}))';
  const python_ = JSON.parse((await exec(python, ['-c', script])).stdout) as Record<string, string>;
  const slurmVersion = (await exec('sbatch', ['--version'], { env: slurmEnv })).stdout.trim();
  return { ...python_, slurm: slurmVersion, python: (await exec(python, ['--version'])).stdout.trim() };
}

try {
  const python = (await exec('bash', [path.join(repo, 'scripts', 'ensure-peers.sh')])).stdout.trim();
  const loadBefore = await load();
  const outcomes: Outcome[] = [];
  const record = (o: Outcome) => {
    outcomes.push(o);
    process.stdout.write(
      `${o.tool} ${o.config}: ${o.ok ? `all done ${o.all_done_s!.toFixed(2)} s, known ${o.known_done_s!.toFixed(2)} s` : 'FAILED'}` +
        `${o.note ? ` (${o.note})` : ''}\n`,
    );
  };
  record(await raw());
  if (which.includes('tuplet')) record(await tuplet());
  if (which.includes('submitit'))
    for (const mode of ['default', 'fastest'] as const) record(await submitit(python, mode));
  if (which.includes('snakemake')) {
    const shim = await srunShim();
    const bin = path.join(path.dirname(python), 'snakemake');
    for (const config of ['default', 'fastest', 'array'] as const) record(await snakemake(bin, shim, config));
  }
  const loadAfter = await load();
  const rawOutcome = outcomes[0]!;
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? +(a / b).toFixed(2) : null);
  const rows = outcomes.map((o) => ({
    ...o,
    all_done_s: o.all_done_s === undefined ? undefined : +o.all_done_s.toFixed(2),
    known_done_s: o.known_done_s === undefined ? undefined : +o.known_done_s.toFixed(2),
    all_done_ratio: ratio(o.all_done_s, rawOutcome.all_done_s),
    known_done_ratio: ratio(o.known_done_s, rawOutcome.known_done_s),
  }));
  const found = await versions(python);

  process.stdout.write(
    `\npeers: ${n} trivial tasks on the loopback SLURM; load average ${loadBefore} before, ${loadAfter} after\n`,
  );
  process.stdout.write(
    `versions: ${Object.entries(found)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}\n\n`,
  );
  process.stdout.write(
    '| tool | config | all done (s) | × raw | known done (s) | × raw |\n|---|---|---|---|---|---|\n',
  );
  for (const r of rows)
    process.stdout.write(
      r.ok
        ? `| ${r.tool} | ${r.config} | ${r.all_done_s} | ${r.all_done_ratio} | ${r.known_done_s} | ${r.known_done_ratio} |\n`
        : `| ${r.tool} | ${r.config} | failed | | | |\n`,
    );
  process.stdout.write('\nsettings:\n');
  for (const r of rows)
    process.stdout.write(`  ${r.tool} ${r.config}: ${r.settings}${r.note ? `\n    note: ${r.note}` : ''}\n`);
  process.stdout.write(
    '\ncaveats: no slurmdbd here, so no sacct. submitit learns of successes only through its result files: ' +
      'a task that died without one would leave it waiting. Snakemake runs with --slurm-status-command squeue ' +
      'and an srun shim that restores SLURM_CONF (docs/peers.md).\n',
  );
  const ours = rows.find((r) => r.tool === 'tuplet');
  process.stdout.write(
    `${JSON.stringify({
      bench: 'peers',
      n,
      ours_s: ours?.known_done_s ?? null,
      baseline: 'sbatch --array',
      baseline_s: rows[0]!.known_done_s,
      ratio: ours?.known_done_ratio ?? null,
      load_before: loadBefore,
      load_after: loadAfter,
      versions: found,
      results: rows,
    })}\n`,
  );
} finally {
  await slurm.stop();
}
