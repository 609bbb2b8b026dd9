// The NetCDF header reader against files written by Unidata's ncgen (fixtures/sample.cdl)
// in the three classic variants, plus broken inputs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PreviewLimitError, deadlineIn } from '../../web/previews/budget.ts';
import { looksLikeNetCdf, NetCdfError, parseNetCdfHeader } from '../../web/previews/netcdf.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));

void describe('parseNetCdfHeader', () => {
  for (const [file, version] of [
    ['sample-cdf1.nc', 1],
    ['sample-cdf2.nc', 2],
    ['sample-cdf5.nc', 5],
  ] as const) {
    void test(`reads ${file} (CDF-${version})`, () => {
      const header = parseNetCdfHeader(fixture(file));
      assert.equal(header.version, version);
      assert.equal(header.numRecords, 3);
      assert.deepEqual(header.dimensions, [
        { name: 'time', length: 3, unlimited: true },
        { name: 'x', length: 4, unlimited: false },
        { name: 'long_dimension_name_for_layout', length: 2, unlimited: false },
      ]);
      assert.deepEqual(header.attributes, [
        { name: 'title', type: 'char', value: 'spiral wave drift' },
        { name: 'dt', type: 'double', value: [0.01] },
        { name: 'steps', type: 'int', value: [1000] },
      ]);
      assert.deepEqual(
        header.variables.map((v) => [v.name, v.type, v.dimensions]),
        [
          ['time', 'double', ['time']],
          ['u', 'float', ['time', 'x']],
          ['mask', 'short', ['x', 'long_dimension_name_for_layout']],
          ['count', 'int', []],
        ],
      );
      const u = header.variables[1]!;
      assert.deepEqual(u.attributes, [
        { name: 'long_name', type: 'char', value: 'membrane potential' },
        { name: 'valid_range', type: 'float', value: [-90, 40] },
      ]);
      assert.deepEqual(header.variables[2]!.attributes, [{ name: 'flags', type: 'short', value: [1, 2, 4] }]);
    });
  }

  void test('refuses what is not classic NetCDF', () => {
    assert.equal(looksLikeNetCdf(new TextEncoder().encode('\x89HDF\r\n')), false);
    assert.throws(() => parseNetCdfHeader(new TextEncoder().encode('hello world')), NetCdfError);
  });

  void test('a truncated header is an error naming the byte, not a crash', () => {
    const bytes = fixture('sample-cdf1.nc').subarray(0, 60);
    assert.throws(() => parseNetCdfHeader(bytes), /truncated at byte \d+/);
  });

  void test('a count larger than the bytes left is refused before it is used', () => {
    const bytes = fixture('sample-cdf1.nc').slice();
    // The first dimension's name length (after magic, numrecs, tag and count) becomes 2^32-19.
    new DataView(bytes.buffer).setUint32(16, 4294967277);
    assert.throws(
      () => parseNetCdfHeader(bytes),
      (e: unknown) =>
        e instanceof NetCdfError &&
        e.truncated &&
        /claims 4294967277 bytes of a name, more than the \d+ bytes left/.test(e.message),
    );
  });

  void test('the deadline is looked at while parsing', () => {
    let clock = 0;
    assert.throws(
      () =>
        parseNetCdfHeader(
          fixture('sample-cdf1.nc'),
          deadlineIn(0, () => clock++),
        ),
      PreviewLimitError,
    );
  });

  void test('an unexpected tag is reported', () => {
    const bytes = fixture('sample-cdf1.nc').slice();
    bytes[11] = 0x0b; // the dimension list tag becomes the variable tag
    assert.throws(() => parseNetCdfHeader(bytes), /unexpected tag 0xb/);
  });
});
