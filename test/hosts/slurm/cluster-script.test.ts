// scripts/services/slurm.sh shares one cluster between test processes: a second `start` must
// join the running cluster even when its controller is too busy to answer `sinfo` in time.
// Starting it fresh instead cancels the other processes' jobs and moves the jobcomp record
// aside, which once failed a CI run whose SLURM series had ended but whose record vanished.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runServiceScript } from '../../support/services.ts';
import { startSlurm, type TestSlurm } from '../../support/slurm.ts';
import { waitFor } from '../../support/wait.ts';

let slurm: TestSlurm;
before(async () => {
  slurm = await startSlurm({ name: 'busy-controller' });
});
after(async () => {
  await slurm?.stop();
});

function sbatch(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('sbatch', args, { env: { ...process.env, ...slurm.env } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    ),
  );
}

/** Pids of the `sinfo` processes asking this cluster (their environment names its config). */
async function sinfoPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() !== 'sinfo') continue;
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
      if (environ.split('\0').includes(`SLURM_CONF=${slurm.slurmConf}`)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

void describe('slurm.sh start on a running cluster', () => {
  void test("a controller slower than sinfo's timeout is waited for: its jobs and record stay", async () => {
    const jobId = await sbatch(['--parsable', '--wrap=true', '--output=/dev/null']);
    const recorded = (text: string) => text.includes(`JobId=${jobId} `);
    await waitFor(async () => recorded(await readFile(slurm.jobcompFile, 'utf8')), {
      what: `the jobcomp record of job ${jobId}`,
    });
    const controller = Number(await readFile(path.join(slurm.stateDir, 'pids', 'slurmctld'), 'utf8'));

    // A stopped controller answers nothing: the joining start's first sinfo runs into its
    // timeout. Once that sinfo has ended, its answer was "not usable"; the controller resumes.
    process.kill(controller, 'SIGSTOP');
    let joined: Promise<string> | undefined;
    try {
      joined = runServiceScript('slurm.sh', ['start', slurm.stateDir, '--lease', String(process.pid)]);
      joined.catch(() => undefined);
      const first = await waitFor(async () => (await sinfoPids())[0], {
        what: "the joining start's sinfo",
        intervalMs: 50,
      });
      await waitFor(async () => !(await sinfoPids()).includes(first), {
        what: `sinfo ${first} to time out`,
        intervalMs: 50,
      });
    } finally {
      try {
        process.kill(controller, 'SIGCONT');
      } catch {
        // Gone: a fresh start killed it, which the pid check below reports.
      }
    }
    await joined;

    const now = Number(await readFile(path.join(slurm.stateDir, 'pids', 'slurmctld'), 'utf8'));
    assert.equal(now, controller, 'the controller was started again');
    assert.ok(recorded(await readFile(slurm.jobcompFile, 'utf8')), 'the jobcomp record lost the job');
  });
});
