// Rendering: the template byte for byte, with only the varied values replaced.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ini from 'ini';
import { parseSweep, renderTuple, tuplesInRange } from '../../sweep/index.ts';

void describe('renderTuple', () => {
  void test('replaces only the varied value; spacing, comments and order stay', () => {
    const template = [
      '; header comment',
      'seed   =   1 2 3    ; the seed',
      '',
      '[model]   # model',
      '  alpha\t=\t0.1...0.1...0.3\t# grid',
      'name = "spiral wave"',
      'k = 8.0',
      '',
    ].join('\n');
    const sweep = parseSweep(template);
    assert.equal(
      renderTuple(sweep, 5),
      [
        '; header comment',
        'seed   =   2    ; the seed',
        '',
        '[model]   # model',
        '  alpha\t=\t0.3\t# grid',
        'name = "spiral wave"',
        'k = 8.0',
        '',
      ].join('\n'),
    );
  });

  void test('quoted values keep their quotes; range values are written out', () => {
    const sweep = parseSweep('label = "run A" "run B"\nfixed = 2...1...2\n');
    assert.equal(renderTuple(sweep, 1), 'label = "run B"\nfixed = 2\n');
  });

  void test('CRLF line endings, a BOM and a missing final newline are kept', () => {
    const sweep = parseSweep('\ufeff[m]\r\nx = 1 2\r\ny = 3\r\nz = a b');
    assert.equal(renderTuple(sweep, 3), '\ufeff[m]\r\nx = 2\r\ny = 3\r\nz = b');
  });

  void test('every rendered tuple parses with the ini package to that tuple’s values', () => {
    const sweep = parseSweep(
      'seed = 1 2\n[model]\nalpha = 0.5...0.25...1 ; c\nname = "a b" c\nk = 8\n[solver]\nalpha = x y\n',
    );
    for (const tuple of tuplesInRange(sweep, 0, Number(sweep.count))) {
      const parsed = ini.parse(renderTuple(sweep, tuple.index)) as Record<string, Record<string, string>>;
      const quoted = (v: string) => v.replace(/^"(.*)"$/, '$1');
      assert.equal(String(parsed.seed), tuple.values.seed);
      assert.equal(parsed.model?.alpha, tuple.values['model.alpha']);
      assert.equal(quoted(String(parsed.model?.name)), tuple.values['model.name']);
      assert.equal(parsed.model?.k, '8');
      assert.equal(parsed.solver?.alpha, tuple.values['solver.alpha']);
    }
  });

  void test('a rendered config is itself a sweep without varied parameters and the same constants', () => {
    const sweep = parseSweep('a = 1 2\n[s]\nb = "x y" z\nc = 7\n');
    const again = parseSweep(renderTuple(sweep, 2));
    assert.equal(again.count, 1n);
    assert.deepEqual(
      again.constants.map((c) => [c.name, c.value]),
      [
        ['a', '2'],
        ['s.b', 'x y'],
        ['s.c', '7'],
      ],
    );
  });
});
