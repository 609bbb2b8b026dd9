// The load probe of placement (activities/host/load.ts, docs/multi-host.md "Placement by live
// capacity") on real hosts: a runner host's busy units are the pool's lock files held by a
// process (here one `flock` like a run's worker), a SLURM host's pending tasks those squeue lists
// for the user (here a held array of three on the shared test cluster).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { loadOf } from '../../activities/host/load.ts';
import { poolDirOf } from '../../hosts/admission.ts';
import { createExecutor, LocalTransport } from '../../hosts/index.ts';
import { SlurmExecutor } from '../../hosts/slurm/index.ts';
import { startSlurm, type TestSlurm } from '../support/slurm.ts';
import { tempDir } from './helpers.ts';

const run = promisify(execFile);
let root: { dir: string; remove: () => Promise<void> };
let slurm: TestSlurm | undefined;

before(async () => {
  root = await tempDir('load');
});
after(async () => {
  await slurm?.stop();
  await root?.remove();
});

test('runner host: units whose lock a process holds are busy, the others free', async () => {
  const workdir = path.join(root.dir, 'runner');
  const executor = createExecutor({ name: 'probe', kind: 'local', workdir, slots: 2 });
  try {
    assert.deepEqual(await loadOf(executor), { busyUnits: 0 }, 'no pool yet: nothing busy');
    const pool = poolDirOf(workdir);
    await mkdir(pool, { recursive: true });
    // A unit held as a run's worker holds it (hosts/runner/lib/pool.sh): flock on its file.
    const holder = spawn('flock', [path.join(pool, 'slot-1'), 'sh', '-c', 'echo held; exec cat'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await once(holder.stdout, 'data');
    await run('touch', [path.join(pool, 'slot-0')]);
    assert.deepEqual(await loadOf(executor), { busyUnits: 1 });
    holder.stdin.end();
    await once(holder, 'exit');
    assert.deepEqual(await loadOf(executor), { busyUnits: 0 });
  } finally {
    await executor.close();
  }
});

test("SLURM host: the user's pending array tasks", async () => {
  slurm = await startSlurm();
  const env = { ...process.env, ...slurm.env };
  const executor = new SlurmExecutor(
    { name: 'probe-slurm', kind: 'slurm', workdir: path.join(root.dir, 'slurm') },
    new LocalTransport(),
    { env: slurm.env },
  );
  const name = `load-probe-${process.pid}`;
  const { stdout } = await run(
    'sbatch',
    ['--parsable', '--hold', '--array=0-2', `--job-name=${name}`, '--output=/dev/null', '--wrap=true'],
    { env },
  );
  const jobId = stdout.trim().split(';')[0]!;
  try {
    // Other test files share the cluster and the user: their pending tasks count too.
    const { pendingTasks } = await loadOf(executor);
    assert.ok(pendingTasks !== undefined && pendingTasks >= 3, `pending tasks: ${pendingTasks}`);
  } finally {
    await run('scancel', [jobId], { env });
    await executor.close();
  }
});
