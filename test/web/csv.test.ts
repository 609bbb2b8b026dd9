// CSV previews: parsing (quotes, CRLF, other delimiters) and the choice of plotted columns.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, plotOf } from '../../web/previews/csv.ts';
import { csvLine, neutralised } from '../../web/csv-export.ts';

void describe('parseCsv', () => {
  void test('quoted fields, doubled quotes, CRLF and a missing final newline', () => {
    assert.deepEqual(parseCsv('a,"b, c","say ""hi"""\r\n1,2,3'), [
      ['a', 'b, c', 'say "hi"'],
      ['1', '2', '3'],
    ]);
  });
  void test('semicolons and tabs are recognised from the first line', () => {
    assert.deepEqual(parseCsv('t;v\n1;2\n'), [
      ['t', 'v'],
      ['1', '2'],
    ]);
    assert.deepEqual(parseCsv('t\tv\n1\t2\n'), [
      ['t', 'v'],
      ['1', '2'],
    ]);
  });
  void test('rows and columns are capped', () => {
    const rows = parseCsv('a,b,c\n1,2,3\n4,5,6\n', { maxRows: 2, maxColumns: 2 });
    assert.deepEqual(rows, [
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
  void test('round trip with the export writer', () => {
    const row = ['x,y', 'quote "q"', 'line\nbreak', '', '3.5'];
    assert.deepEqual(parseCsv(csvLine(row)), [row]);
  });
});

void describe('plotOf', () => {
  void test('numeric columns against the first numeric column; text columns left out', () => {
    const plot = plotOf(parseCsv('time,label,u,v\n0,a,1,10\n1,b,2,20\n2,c,3,30\n'))!;
    assert.equal(plot.xLabel, 'time');
    assert.deepEqual(
      plot.series.map((s) => [s.name, s.points]),
      [
        [
          'u',
          [
            [0, 1],
            [1, 2],
            [2, 3],
          ],
        ],
        [
          'v',
          [
            [0, 10],
            [1, 20],
            [2, 30],
          ],
        ],
      ],
    );
  });
  void test('a single numeric column is plotted against the row number', () => {
    const plot = plotOf(parseCsv('energy\n5\n4\n3\n'))!;
    assert.equal(plot.xLabel, 'row');
    assert.deepEqual(plot.series[0]!.points, [
      [0, 5],
      [1, 4],
      [2, 3],
    ]);
  });
  void test('nothing to plot without numbers or rows', () => {
    assert.equal(plotOf(parseCsv('a,b\nx,y\nz,w\n')), undefined);
    assert.equal(plotOf(parseCsv('a\n1\n')), undefined);
  });
});

void describe('neutralised (CSV export cells)', () => {
  void test('formula starts get a leading quote', () => {
    for (const cell of ['=1+2', '+cmd', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '-', '+', '=HYPERLINK("x")'])
      assert.equal(neutralised(cell), `'${cell}`, JSON.stringify(cell));
  });
  void test('plain numbers and ordinary text are left as they are', () => {
    for (const cell of ['-1.5', '+2e-3', '-.5', '3', '1e10', 'abc', ' =not at the start', ''])
      assert.equal(neutralised(cell), cell, JSON.stringify(cell));
  });
  void test('numbers written by the export stay numbers', () => {
    assert.equal(csvLine([-1.5, '-1.5', '=1']), `-1.5,-1.5,'=1\r\n`);
  });
});
