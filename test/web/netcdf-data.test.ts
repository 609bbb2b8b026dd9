// Variable data read back from files netCDF4-python wrote (test/fixtures/netcdf/make.py):
// classic CDF-1, CDF-2 and CDF-5 through our reader, NetCDF-4 through h5wasm; every value equals
// the one written (expected.json), record variables and slices of each record included.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineIn } from '../../web/previews/budget.ts';
import { parseNetCdfHeader } from '../../web/previews/netcdf.ts';
import { classicFile } from '../../web/previews/netcdf-data.ts';
import { loadSlice, type NdFile } from '../../web/previews/netcdf-slice.ts';
import { openHdf5, type Hdf5File } from '../../web/previews/hdf5.ts';
import { inMemory, netCdfFixture as bytesOf } from '../support/netcdf.ts';

const expected = JSON.parse(bytesOf('expected.json').toString('utf8')) as Record<
  string,
  Array<number | null | Array<Array<number | null>>>
>;

const budget = () => deadlineIn(60_000);
/** Values as the plots get them (missing: NaN), for comparing with expected.json's nulls. */
const asJson = (values: Float64Array) => Array.from(values, (v) => (Number.isNaN(v) ? null : v));

async function readsEverything(file: NdFile, names: string[]) {
  for (const name of names) {
    const slice = await loadSlice(file, { variable: name, at: {} }, budget());
    assert.deepEqual(asJson(slice.values), expected[name], name);
  }
  const temp = expected.temp as Array<Array<Array<number | null>>>;
  for (let t = 0; t < temp.length; t++) {
    const slice = await loadSlice(file, { variable: 'temp', at: { time: String(t) } }, budget());
    assert.deepEqual(slice.plan.axes, ['y', 'x']);
    assert.deepEqual(slice.plan.fixed, [{ dimension: 'time', index: t, length: 3 }]);
    assert.deepEqual(asJson(slice.values), temp[t]!.flat(), `temp at time=${t}`);
    assert.deepEqual(asJson(slice.coordinates[0]!), expected.y, 'rows: the y coordinate variable');
    assert.deepEqual(asJson(slice.coordinates[1]!), expected.x, 'columns: the x coordinate variable');
    assert.equal(slice.plan.variable.units, 'K');
  }
}

void describe('classic NetCDF data', () => {
  const common = ['x', 'y', 'time', 'series', 'flag'];
  for (const [name, extra] of [
    ['classic.nc', []],
    ['offset64.nc', []],
    ['data64.nc', ['ids', 'counts']],
  ] as const) {
    void test(`${name}: every variable and every slice of temp(time, y, x)`, async () => {
      const bytes = bytesOf(name);
      await readsEverything(classicFile(parseNetCdfHeader(bytes), inMemory(bytes)), [...common, ...extra]);
    });
  }

  void test('a 1-D record variable is plotted against its coordinate variable', async () => {
    const bytes = bytesOf('classic.nc');
    const file = classicFile(parseNetCdfHeader(bytes), inMemory(bytes));
    const slice = await loadSlice(file, { variable: 'series', at: {} }, budget());
    assert.deepEqual(slice.plan.axes, ['time']);
    assert.deepEqual(asJson(slice.coordinates[0]!), expected.time);
  });

  void test('the only record variable: records are not padded', async () => {
    const bytes = bytesOf('one-record.nc');
    const file = classicFile(parseNetCdfHeader(bytes), inMemory(bytes));
    const slice = await loadSlice(file, { at: {} }, budget());
    assert.equal(slice.plan.variable.name, 'level');
    assert.deepEqual(asJson(slice.values), expected.level);
  });
});

void describe('NetCDF-4 data through h5wasm', () => {
  let file: Hdf5File | undefined;
  after(() => file?.close());

  void test('netcdf4.nc: every variable, a group, every slice of a compressed chunked temp', async () => {
    file = await openHdf5(inMemory(bytesOf('netcdf4.nc')), budget());
    assert.deepEqual(
      file.variables.map((v) => [v.name, v.dimensions.join(',')]),
      [
        ['x', 'x'],
        ['y', 'y'],
        ['temp', 'time,y,x'],
        ['series', 'time'],
        ['flag', 'time'],
        ['inner/v', 'x'],
      ],
      'the dimension without a variable (time) is not listed; names come from the dimension scales',
    );
    await readsEverything(file, ['x', 'y', 'series', 'flag', 'inner/v']);
  });
});
