// `tuplet expand` and `tuplet render`: the commands in process (fast, every behaviour), then the
// real executable once for the contract of exit codes and stderr.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerExpand } from '../../cli/commands/expand.ts';
import { registerRender } from '../../cli/commands/render.ts';
import { isInputError } from '../../cli/errors.ts';
import { parseSweep, previewOf, renderTuple } from '../../sweep/index.ts';

const root = path.join(import.meta.dirname, '../..');
const example = path.join(root, 'examples/spiral-drift.ini');
const sweep = parseSweep(readFileSync(example, 'utf8'));

/** Runs `tuplet ARGS` in process: what it printed, or the error it ended with. */
async function run(args: string[]): Promise<{ output: string; error?: unknown }> {
  let output = '';
  const program = new Command('tuplet')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerExpand(program, (text) => (output += text));
  registerRender(program, (text) => (output += text));
  try {
    await program.parseAsync(args, { from: 'user' });
    return { output };
  } catch (error) {
    return { output, error };
  }
}

function tupletExecutable(
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'bin/tuplet'), args, { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

void describe('tuplet expand / render in process', () => {
  void test('expand --json prints the preview of the contract', async () => {
    const { output, error } = await run(['expand', example, '--json', '--limit', '3']);
    assert.equal(error, undefined);
    assert.deepEqual(JSON.parse(output), previewOf(sweep, 3));
  });

  void test('expand without --json summarises count, varied parameters and first directories', async () => {
    const { output } = await run(['expand', example, '--limit', '2']);
    assert.match(output, /spiral-drift\.ini: 120 tuples from 4 varied parameters$/m);
    assert.match(output, /^ {2}stimulation\.period\s+5 values: 200 210 220 230 240$/m);
    assert.match(
      output,
      /^first 2 of 120 directories:\n {2}000_a=0\.05_fiber_angle=0_anisotropy=1_period=200\n/m,
    );
  });

  void test('render prints one tuple’s config exactly', async () => {
    assert.equal((await run(['render', example, '--index', '119'])).output, renderTuple(sweep, 119));
  });

  void test('bad input ends in an input error (exit 2) naming the file and line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tuplet-sweep-cli-'));
    try {
      const broken = path.join(dir, 'broken.ini');
      writeFileSync(broken, '[m]\nx = 1 2\n\nn = "open\n');
      const cases: [string[], RegExp][] = [
        [['expand', broken], /broken\.ini: line 4: quote opened at column 5 is never closed/],
        [['render', example, '--index', '120'], /spiral-drift\.ini: tuple index 120 is out of range/],
        [['render', path.join(dir, 'missing.ini'), '--index', '0'], /cannot read .*missing\.ini/],
        [['expand', example, '--max-tuples', '100'], /has 120 tuples .* more than the limit of 100/],
      ];
      for (const [args, message] of cases) {
        const { output, error } = await run(args);
        assert.equal(output, '');
        assert.ok(isInputError(error), `${args.join(' ')}: ${String(error)}`);
        assert.match((error as Error).message, message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void test('malformed options are usage errors', async () => {
    for (const args of [
      ['render', example, '--index', '-1'],
      ['render', example],
      ['expand', example, '--limit', 'x'],
    ]) {
      const { error } = await run(args);
      assert.ok(error instanceof CommanderError && error.exitCode !== 0, args.join(' '));
    }
  });
});

void test('bin/tuplet: exit 0 with JSON on stdout, exit 2 with the line on stderr', async () => {
  const [ok, broken] = await Promise.all([
    tupletExecutable(['expand', '-', '--json', '--limit', '1'], readFileSync(example, 'utf8')),
    tupletExecutable(['render', '-', '--index', '0'], '[m]\nx = 1\n\nstep = 1...0...5\n'),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), previewOf(sweep, 1));
  assert.equal(broken.code, 2);
  assert.equal(broken.stdout, '');
  assert.match(broken.stderr, /^tuplet: -: line 4: range 1\.\.\.0\.\.\.5 has step 0$/m);
});
