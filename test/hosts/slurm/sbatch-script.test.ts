// The job script: golden files for its text, checks of what it refuses, and the script run
// by bash as SLURM would run one array task (hostile directory names, the per-run files).
// Regenerate the golden files after a deliberate change with
// `UPDATE_GOLDEN=1 node --import tsx --test test/hosts/slurm/sbatch-script.test.ts`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SeriesSpec } from '../../../hosts/executor.ts';
import { waitFor } from '../../support/wait.ts';
import { extraDirectiveLine } from '../../../hosts/slurm/directives.ts';
import {
  chunkComment,
  chunkKey,
  jobName,
  renderSbatchScript,
  type SbatchScriptInput,
} from '../../../hosts/slurm/sbatch-script.ts';

const goldenDir = path.join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function matchesGolden(name: string, actual: string): void {
  const file = path.join(goldenDir, name);
  if (update) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file`);
}

const series = (resources: SeriesSpec['resources'], configFile = 'config.ini') => ({
  seriesId: 's-0042',
  configFile,
  resources,
});

const full: SbatchScriptInput = {
  series: series({
    partition: 'gpu',
    time: '01:30:00',
    cpus: 4,
    memory: '8g',
    gpus: 1,
    account: 'proj-17',
    qos: 'normal',
    extra: ['--constraint=a100', '#SBATCH --exclusive', '-C ib'],
  }),
  chunk: { chunkIndex: 3, attempt: 2 },
  size: 500,
  host: { partition: 'ignored-when-resources-say', arrayThrottle: 50 },
};

void describe('job script text', () => {
  void test('every resource (golden)', () => matchesGolden('full.sbatch', renderSbatchScript(full)));

  void test('no resources, the host partition, no throttle (golden)', () => {
    matchesGolden(
      'minimal.sbatch',
      renderSbatchScript({
        series: series({}),
        chunk: { chunkIndex: 0, attempt: 1 },
        size: 20,
        host: { partition: 'debug' },
      }),
    );
  });

  void test('a config file name with a space and a quote stays one quoted word', () => {
    const script = renderSbatchScript({ ...full, series: series({}, "it's my.ini") });
    assert.match(script, /"TUPLET_CONFIG=\$run\/"'it'\\''s my\.ini'/);
  });

  void test('names', () => {
    assert.equal(jobName('abc'), 'tuplet-abc');
    assert.equal(chunkComment('abc', { chunkIndex: 3, attempt: 2 }), 'tuplet:abc:3:2');
    assert.equal(chunkKey({ chunkIndex: 3, attempt: 2 }), 'chunk-3.a2');
  });
});

void describe('what the job script refuses', () => {
  const render = (resources: SeriesSpec['resources']) => () =>
    renderSbatchScript({ ...full, series: series(resources) });

  void test('directives that are not one option on one line', () => {
    assert.throws(() => extraDirectiveLine('--constraint=a\n#SBATCH --array=0-9'), /one line/);
    assert.throws(() => extraDirectiveLine('echo hi'), /sbatch option/);
    assert.throws(() => extraDirectiveLine(''), /empty/);
    assert.throws(() => extraDirectiveLine(`--constraint=${'x'.repeat(300)}`), /200/);
    assert.throws(() => extraDirectiveLine('--exclusive --array=0-9'), /one option per directive/);
  });

  void test('directives that would change what Tuplet relies on', () => {
    for (const bad of [
      '--array=0-9',
      '--job-name=x',
      '-J x',
      '--output=/tmp/x',
      '-o x',
      '--comment=x',
      '--chdir=/',
      '-D /',
    ]) {
      assert.throws(() => extraDirectiveLine(bad), /not an option members may add/, bad);
    }
    // Written back in the long form, whatever form was typed.
    assert.equal(extraDirectiveLine('#SBATCH   --exclusive'), '--exclusive');
    assert.equal(extraDirectiveLine('-C  ib'), '--constraint=ib');
  });

  void test('resource values outside their forms', () => {
    assert.throws(render({ partition: 'gpu;rm -rf /' }), /partition/);
    assert.throws(render({ time: '1 hour' }), /time/);
    assert.throws(render({ cpus: 0 }), /cpus/);
    assert.throws(render({ memory: '4 GB' }), /memory/);
    assert.throws(render({ gpus: 1.5 }), /gpus/);
    assert.throws(render({ account: 'a b' }), /account/);
    assert.throws(render({ qos: '$(id)' }), /qos/);
  });

  void test('unsafe series ids and config paths', () => {
    assert.throws(
      () => renderSbatchScript({ ...full, series: { ...series({}), seriesId: '../x' } }),
      /series id/,
    );
    assert.throws(() => renderSbatchScript({ ...full, series: series({}, '../config.ini') }), /config file/);
    assert.throws(() => renderSbatchScript({ ...full, series: series({}, '/etc/passwd') }), /config file/);
    assert.throws(() => renderSbatchScript({ ...full, size: 0 }), /at least one task/);
  });
});

// One array task run by bash with the variables SLURM sets, in a scratch series directory.
function runTask(
  seriesDir: string,
  scriptFile: string,
  task: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [scriptFile],
      {
        cwd: seriesDir,
        env: {
          PATH: process.env.PATH,
          SLURM_SUBMIT_DIR: seriesDir,
          SLURM_ARRAY_TASK_ID: String(task),
          SLURM_JOB_ID: `77${task}`,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

void describe('job script run as an array task', () => {
  void test('runs line i+1 of the list with the per-run files, never interpreting a directory name', async () => {
    const seriesDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-sbatch-'));
    try {
      const hostile = ['00007_a=$(touch PWNED)', "00008_b='; touch PWNED #", '00009_c= spaced  "quoted"'];
      const key = chunkKey({ chunkIndex: 0, attempt: 1 });
      await mkdir(path.join(seriesDir, '.tuplet/slurm'), { recursive: true });
      await writeFile(
        path.join(seriesDir, `.tuplet/slurm/${key}.tsv`),
        hostile.map((d, i) => `${7 + i}\t${d}\n`).join(''),
      );
      await writeFile(
        path.join(seriesDir, '.tuplet/command.sh'),
        'printf "%s|%s|%s|%s|%s\\n" "$TUPLET_SERIES" "$TUPLET_INDEX" "$TUPLET_DIR" "$TUPLET_CONFIG" "$PWD"\nexit $((TUPLET_INDEX - 7))\n',
      );
      const scriptFile = path.join(seriesDir, `.tuplet/slurm/${key}.sbatch`);
      await writeFile(
        scriptFile,
        renderSbatchScript({ series: series({}), chunk: { chunkIndex: 0, attempt: 1 }, size: 3, host: {} }),
      );

      for (let task = 0; task < 3; task++) {
        const result = await runTask(seriesDir, scriptFile, task);
        assert.equal(result.code, task, result.stderr);
        const run = path.join(seriesDir, 'runs', hostile[task]!);
        const meta = (name: string) => readFile(path.join(run, '.tuplet', name), 'utf8');
        assert.equal(await meta('stdout'), `s-0042|${7 + task}|${run}|${run}/config.ini|${run}\n`);
        assert.equal(await meta('exit'), `${task}\n`);
        assert.equal(await meta('attempt'), '1\n');
        const started = Number(await meta('started'));
        const ended = Number(await meta('ended'));
        assert.ok(started > 1e9 && ended >= started);
      }
      await assert.rejects(readFile(path.join(seriesDir, 'PWNED')), /ENOENT/);

      // A task past the list's end fails with a message and touches nothing.
      const beyond = await runTask(seriesDir, scriptFile, 5);
      assert.equal(beyond.code, 3);
      assert.match(beyond.stderr, /no usable line/);
    } finally {
      await rm(seriesDir, { recursive: true, force: true });
    }
  });

  void test('a task the scheduler ends with TERM leaves no exit file (its record says why)', async () => {
    const seriesDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-sbatch-'));
    try {
      const key = chunkKey({ chunkIndex: 0, attempt: 1 });
      await mkdir(path.join(seriesDir, '.tuplet/slurm'), { recursive: true });
      await writeFile(path.join(seriesDir, `.tuplet/slurm/${key}.tsv`), '0\t00000_x=1\n');
      await writeFile(path.join(seriesDir, '.tuplet/command.sh'), 'sleep 30\n');
      const scriptFile = path.join(seriesDir, `.tuplet/slurm/${key}.sbatch`);
      await writeFile(
        scriptFile,
        renderSbatchScript({ series: series({}), chunk: { chunkIndex: 0, attempt: 1 }, size: 1, host: {} }),
      );
      // Like slurmstepd: the task is its own process group, and TERM goes to all of it.
      const child = spawn('bash', [scriptFile], {
        cwd: seriesDir,
        detached: true,
        stdio: 'ignore',
        env: {
          PATH: process.env.PATH,
          SLURM_SUBMIT_DIR: seriesDir,
          SLURM_ARRAY_TASK_ID: '0',
          SLURM_JOB_ID: '9',
        },
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const meta = path.join(seriesDir, 'runs/00000_x=1/.tuplet');
      // TERM must come once the script's trap is set and its command runs: the `sleep 30`
      // (bash -c execs it in place) in the task's process group says both.
      await waitFor(() => spawnSync('pgrep', ['-g', String(child.pid), '-x', 'sleep']).status === 0, {
        what: "the task's command (sleep 30) to run",
        intervalMs: 50,
      });
      assert.ok(existsSync(path.join(meta, 'started')));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      assert.ok(existsSync(path.join(meta, 'ended')));
      assert.equal(existsSync(path.join(meta, 'exit')), false);
    } finally {
      await rm(seriesDir, { recursive: true, force: true });
    }
  });

  void test('a list line that would leave runs/ is refused', async () => {
    const seriesDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-sbatch-'));
    try {
      const key = chunkKey({ chunkIndex: 0, attempt: 1 });
      await mkdir(path.join(seriesDir, '.tuplet/slurm'), { recursive: true });
      await writeFile(path.join(seriesDir, `.tuplet/slurm/${key}.tsv`), '0\t../../escape\n1\t/abs\n');
      const scriptFile = path.join(seriesDir, `.tuplet/slurm/${key}.sbatch`);
      await writeFile(
        scriptFile,
        renderSbatchScript({ series: series({}), chunk: { chunkIndex: 0, attempt: 1 }, size: 2, host: {} }),
      );
      for (const task of [0, 1]) {
        const result = await runTask(seriesDir, scriptFile, task);
        assert.equal(result.code, 3);
      }
      await assert.rejects(readFile(path.join(seriesDir, '..', 'escape')), /ENOENT/);
    } finally {
      await rm(seriesDir, { recursive: true, force: true });
    }
  });
});
