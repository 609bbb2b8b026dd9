// The SLURM state map has one home, hosts/slurm/squeue.ts: the host scripts get the states
// they tell apart as an argument. Here the real scripts run, as the executor builds their
// commands, against a squeue stand-in on PATH that prints one job in each state the map
// knows and in one it does not; what each script decides must be what meaningOfState says.
// (The real cluster cannot be made to show every state at will, nor an unknown one.) The
// same stand-in shows poll.sh's expansion of array task ids, the one place they are expanded.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  cancelCommand,
  parseCancelOutput,
  parsePollOutput,
  parseSubmitOutput,
  pollCommand,
  submitCommand,
} from '../../../hosts/slurm/commands.ts';
import { KNOWN_STATES, meaningOfState } from '../../../hosts/slurm/squeue.ts';
import { tempDir } from '../helpers.ts';

const STATES = [...KNOWN_STATES, 'SOME_NEW_STATE'];
const JOB = '100';
const NAME = 'tuplet-states';
const COMMENT = 'tuplet:states:0';
const KEY = 'chunk-0.a1';

let root: { dir: string; remove: () => Promise<void> };
let bin: string;

before(async () => {
  root = await tempDir('slurm-states');
  bin = path.join(root.dir, 'bin');
  await mkdir(bin);
  // squeue prints $FAKE_SQUEUE; sbatch answers a new job id; scancel does nothing.
  const fakes = { squeue: `printf '%s\\n' "$FAKE_SQUEUE"`, sbatch: 'echo 101', scancel: 'exit 0' };
  for (const [name, body] of Object.entries(fakes)) {
    await writeFile(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    await chmod(path.join(bin, name), 0o755);
  }
});
after(async () => {
  await root?.remove();
});

/** Checks every state at once (independent series directories): the scripts are the slow part. */
const eachState = (check: (state: string) => Promise<void>) => Promise.all(STATES.map(check));

/** Runs argv with the stand-ins first on PATH and squeue printing `squeue`. */
function run(
  argv: string[],
  squeue: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { PATH: `${bin}:${process.env.PATH}`, FAKE_SQUEUE: squeue },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

/** A series directory with chunk 0 (attempt 1) submitted as job 100, its `runs` never started. */
async function seriesWithJob(name: string, runs: number): Promise<string> {
  const dir = path.join(root.dir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, '.tuplet/slurm'), { recursive: true });
  const lines = Array.from({ length: runs }, (_, i) => `${i}\trun${i}`);
  await writeFile(path.join(dir, 'tuples.tsv'), lines.map((l) => `${l}\n`).join(''));
  await writeFile(path.join(dir, `.tuplet/slurm/${KEY}.tsv`), lines.map((l) => `${l}\n`).join(''));
  await writeFile(path.join(dir, `.tuplet/slurm/${KEY}.jobs`), `${JOB}\n`);
  for (let i = 0; i < runs; i++) await mkdir(path.join(dir, `runs/run${i}/.tuplet`), { recursive: true });
  return dir;
}

void describe('the SLURM scripts classify states as the state map does', () => {
  void test('submit.sh: an alive job is reused, a job that is over is resubmitted', async () => {
    await eachState(async (state) => {
      const dir = await seriesWithJob(`submit-${state}`, 1);
      const argv = submitCommand({
        seriesDir: dir,
        key: KEY,
        jobName: NAME,
        comment: COMMENT,
        ranges: [[0, 1]],
        size: 1,
        attempt: 1,
        script: '#!/bin/bash\ntrue\n',
      });
      const result = await run(argv, `${JOB}|${state}|${COMMENT}`);
      assert.equal(result.code, 0, `${state}: ${result.stderr}`);
      const expected = meaningOfState(state).alive ? 'reused' : 'resubmitted';
      assert.equal(parseSubmitOutput(result.stdout).kind, expected, state);
    });
  });

  void test('cancel.sh: waits for an alive job, not for one that is over', async () => {
    await eachState(async (state) => {
      const dir = await seriesWithJob(`cancel-${state}`, 1);
      const result = await run(cancelCommand(dir, NAME, 0, [JOB]), `${JOB}|${state}`);
      assert.equal(result.code, 0, `${state}: ${result.stderr}`);
      const expected = meaningOfState(state).alive ? 1 : 0;
      assert.equal(parseCancelOutput(result.stdout).remaining, expected, state);
    });
  });

  void test('poll.sh: reports the runs of a task that failed or was cancelled, and only those', async () => {
    await eachState(async (state) => {
      const dir = await seriesWithJob(`poll-${state}`, 1);
      const argv = pollCommand({ limit: 100, series: [{ seriesDir: dir, jobName: NAME, keys: [KEY] }] });
      const line = `${JOB}|0|${state}|N/A|N/A|${NAME}|${COMMENT}|None`;
      const result = await run(argv, line);
      assert.equal(result.code, 0, `${state}: ${result.stderr}`);
      const [series] = parsePollOutput(result.stdout).series;
      const meaning = meaningOfState(state);
      const expected = !meaning.alive && meaning.state !== 'succeeded' ? [0] : [];
      assert.deepEqual(
        series!.ended.map((e) => e.index),
        expected,
        state,
      );
    });
  });
});

void describe('poll.sh expands array task ids', () => {
  void test('every form squeue prints: one task, ranges with a throttle, lists, steps, a whole array', async () => {
    const cases: Array<[spec: string, tasks: number[]]> = [
      ['7', [7]],
      ['1-5%1', [1, 2, 3, 4, 5]],
      ['[1,3-5]%4', [1, 3, 4, 5]],
      ['0-4:2', [0, 2, 4]],
      ['N/A', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ];
    for (const [spec, tasks] of cases) {
      const dir = await seriesWithJob(`expand-${tasks.length}-${spec.length}`, 10);
      const argv = pollCommand({ limit: 100, series: [{ seriesDir: dir, jobName: NAME, keys: [KEY] }] });
      const result = await run(argv, `${JOB}|${spec}|CANCELLED|N/A|N/A|${NAME}|${COMMENT}|None`);
      assert.equal(result.code, 0, `${spec}: ${result.stderr}`);
      const [series] = parsePollOutput(result.stdout).series;
      assert.deepEqual(
        series!.ended.map((e) => e.task),
        tasks,
        spec,
      );
    }
  });
});
