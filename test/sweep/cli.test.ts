// `tuplet expand` and `tuplet render` through the real executable: output, exit codes, stderr.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSweep, previewOf, renderTuple } from '../../sweep/index.ts';

const root = path.join(import.meta.dirname, '../..');
const example = 'examples/spiral-drift.ini';

function tuplet(args: string[], input?: string) {
  const result = spawnSync(path.join(root, 'bin/tuplet'), args, { cwd: root, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

void describe('tuplet expand / render', () => {
  void test('expand --json prints the preview of the contract', () => {
    const { code, stdout, stderr } = tuplet(['expand', example, '--json', '--limit', '3']);
    assert.equal(code, 0, stderr);
    const expected = previewOf(parseSweep(readFileSync(path.join(root, example), 'utf8')), 3);
    assert.deepEqual(JSON.parse(stdout), expected);
    assert.equal(expected.tuples.length, 3);
  });

  void test('expand without --json summarises count, varied parameters and first directories', () => {
    const { code, stdout } = tuplet(['expand', example, '--limit', '2']);
    assert.equal(code, 0);
    assert.match(stdout, /^examples\/spiral-drift\.ini: 120 tuples from 4 varied parameters$/m);
    assert.match(stdout, /^ {2}stimulation\.period\s+5 values: 200 210 220 230 240$/m);
    assert.match(
      stdout,
      /^first 2 of 120 directories:\n {2}000_a=0\.05_fiber_angle=0_anisotropy=1_period=200\n/m,
    );
  });

  void test('render prints one tuple’s config exactly', () => {
    const { code, stdout } = tuplet(['render', example, '--index', '119']);
    assert.equal(code, 0);
    assert.equal(stdout, renderTuple(parseSweep(readFileSync(path.join(root, example), 'utf8')), 119));
  });

  void test('bad input exits 2 with the line on stderr; stdin is read for -', () => {
    const broken = tuplet(['expand', '-', '--json'], '[m]\nx = 1\n\nstep = 1...0...5\n');
    assert.equal(broken.code, 2);
    assert.equal(broken.stdout, '');
    assert.match(broken.stderr, /-: line 4: range 1\.\.\.0\.\.\.5 has step 0/);

    const outOfRange = tuplet(['render', example, '--index', '120']);
    assert.equal(outOfRange.code, 2);
    assert.match(outOfRange.stderr, /tuple index 120 is out of range/);

    const missing = tuplet(['render', 'examples/no-such-file.ini', '--index', '0']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read examples\/no-such-file\.ini/);

    const tooMany = tuplet(['expand', '-', '--max-tuples', '100'], 'a = 1...1...50\nb = 1 2 3\n');
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /the sweep has 150 tuples/);
  });
});
