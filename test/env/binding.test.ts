// The template example's simulator on its own (examples/binding/binding.py): a model it cannot
// read stops it with exit code 2 and a message naming the line; defines stand in later lines.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const script = path.resolve(import.meta.dirname, '../../examples/binding/binding.py');
const run = promisify(execFile);

const MODEL = `define K 0.01
species A B C
molecules A 20
molecules B 10
reaction bind A + B -> C K
time_step 0.1
time_steps 50
`;

void describe('examples/binding/binding.py', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function simulate(model: string): Promise<{ code: number; stderr: string; dir: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'tuplet-binding-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'model.txt'), model);
    try {
      await run('python3', [script, 'model.txt'], { cwd: dir });
      return { code: 0, stderr: '', dir };
    } catch (error) {
      const e = error as { code?: number; stderr?: string };
      return { code: e.code ?? -1, stderr: e.stderr ?? '', dir };
    }
  }

  void test('a model it reads runs to its end and writes its metrics', async () => {
    const outcome = await simulate(MODEL);
    assert.equal(outcome.code, 0, outcome.stderr);
    const metrics = JSON.parse(await readFile(path.join(outcome.dir, 'metrics.json'), 'utf8')) as Record<
      string,
      number
    >;
    assert.equal(metrics.final_time, 5);
    assert.equal(metrics.final_A! + metrics.final_C!, 20, 'A is conserved');
    assert.equal(metrics.final_B! + metrics.final_C!, 10, 'B is conserved');
  });

  void test('what it cannot read stops it with exit code 2, naming the line', async () => {
    const unknown = await simulate(MODEL.replace('molecules B 10', 'molecules D 10'));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /line 4: unknown species 'D'/);
    const notANumber = await simulate(MODEL.replace('define K 0.01', 'define K fast'));
    assert.equal(notANumber.code, 2);
    assert.match(notANumber.stderr, /line 5: the rate of reaction bind 'fast' is not a number/);
    const stray = await simulate(`${MODEL}diffuse A 1\n`);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /line 8: cannot read 'diffuse A 1'/);
  });
});
