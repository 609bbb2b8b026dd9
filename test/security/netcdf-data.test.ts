// Attack: a run writes a NetCDF file crafted so that plotting it on the run page reads past
// the file, allocates without bound or hangs — a truncated file, a dimension whose length lies,
// a data offset past the end, a variable declared huge, a slice index out of range. Each is
// refused with a message naming the variable, the dimension or the size, through the same
// preview the run page shows, and the reader keeps to its deadline.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PreviewLimitError, deadlineIn, type Deadline } from '../../web/previews/budget.ts';
import { loadPreview, type Preview } from '../../web/previews/file.tsx';
import { openHdf5 } from '../../web/previews/hdf5.ts';
import { parseNetCdfHeader } from '../../web/previews/netcdf.ts';
import { classicFile } from '../../web/previews/netcdf-data.ts';
import { loadSlice, MAX_SLICE_VALUES, type SliceChoice } from '../../web/previews/netcdf-slice.ts';
import { inMemory, netCdfFixture } from '../support/netcdf.ts';

const SERIES = 'netcdf-attacks';
const RUN = 'runs/00';
let storageDir: string;

async function preview(name: string, bytes: Uint8Array, choice: SliceChoice = { at: {} }): Promise<Preview> {
  await writeFile(path.join(storageDir, SERIES, RUN, name), bytes);
  return loadPreview(storageDir, SERIES, `${RUN}/${name}`, deadlineIn(60_000), choice);
}

/** The error the page shows for the plot (or for the whole file). */
function plotError(p: Preview): string {
  if (p.kind === 'none') return p.message;
  assert.equal(p.kind, 'netcdf');
  if (p.kind !== 'netcdf') throw new Error('unreachable');
  assert.ok('error' in p.data.slice, 'the plot is refused');
  return p.data.slice.error;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
/** A NetCDF name: its length, its bytes, padding to 4. */
const ncName = (s: string) =>
  Buffer.concat([u32(s.length), Buffer.from(s), Buffer.alloc((4 - (s.length % 4)) % 4)]);

const classic = () => Buffer.from(netCdfFixture('classic.nc'));

/** classic.nc with dimension `name`'s length replaced. */
function withDimension(bytes: Buffer, name: string, length: number): Buffer {
  const header = parseNetCdfHeader(bytes);
  const old = header.dimensions.find((d) => d.name === name)!.length;
  const at = bytes.indexOf(Buffer.concat([ncName(name), u32(old)]));
  assert.ok(at > 0, `dimension ${name} found`);
  bytes.writeUInt32BE(length, at + ncName(name).length);
  return bytes;
}

/** classic.nc with variable `name`'s data offset (`begin`) replaced. */
function withBegin(bytes: Buffer, name: string, begin: number): Buffer {
  const old = parseNetCdfHeader(bytes).variables.find((v) => v.name === name)!.begin;
  const at = bytes.indexOf(u32(old), bytes.indexOf(ncName(name)));
  bytes.writeUInt32BE(begin, at);
  assert.equal(parseNetCdfHeader(bytes).variables.find((v) => v.name === name)!.begin, begin);
  return bytes;
}

void describe('NetCDF data: files that lie are refused, naming what is wrong', () => {
  before(async () => {
    storageDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-netcdf-'));
    await mkdir(path.join(storageDir, SERIES, RUN), { recursive: true });
  });
  after(() => rm(storageDir, { recursive: true, force: true }));

  void test('a classic file cut inside its data: the header shows, the plot names the variable and the bytes', async () => {
    const whole = classic();
    const dataStart = Math.min(...parseNetCdfHeader(whole).variables.map((v) => v.begin));
    const cut = whole.subarray(0, dataStart + 40);
    const p = await preview('cut.nc', cut);
    assert.ok(p.kind === 'netcdf' && p.header, 'the header is still shown');
    assert.match(
      plotError(p),
      new RegExp(
        `^variable 'temp': its data \\(bytes \\d+–\\d+\\) lies past the end of the file \\(${cut.length} bytes\\)$`,
      ),
    );
  });

  void test('a NetCDF-4 file cut short: HDF5 names it truncated', async () => {
    const cut = netCdfFixture('netcdf4.nc').subarray(0, 6000);
    assert.match(plotError(await preview('cut4.nc', cut)), /truncated file: eof = 6000.*stored_eof = 23301/);
  });

  void test('a dimension whose length lies (x = 1000 of 4) is refused before reading', async () => {
    const p = await preview('lying-dim.nc', withDimension(classic(), 'x', 1000));
    assert.match(plotError(p), /^variable 'temp': its data \(bytes \d+–\d+\) lies past the end of the file/);
  });

  void test('a data offset past the end of the file is refused', async () => {
    const p = await preview('lying-begin.nc', withBegin(classic(), 'series', 0x7fff0000));
    // The default plot (temp) is unaffected; the lying variable is refused when chosen.
    assert.ok(p.kind === 'netcdf' && 'plan' in p.data.slice);
    const chosen = await preview('lying-begin.nc', withBegin(classic(), 'series', 0x7fff0000), {
      variable: 'series',
      at: {},
    });
    assert.match(
      plotError(chosen),
      /^variable 'series': its data \(bytes 2147418112–\d+\) lies past the end of the file \(652 bytes\)$/,
    );
  });

  void test('a huge declared variable is refused by its size, before anything is read', async () => {
    const huge = withDimension(withDimension(classic(), 'x', 100_000), 'y', 100_000);
    assert.equal(
      plotError(await preview('huge.nc', huge)),
      `variable 'temp': the slice has 100000 × 100000 values, more than the ${MAX_SLICE_VALUES} a preview reads; download the file`,
    );
    // NetCDF-4: 50000 × 50000 floats declared, none written (the file is 6 KiB).
    assert.equal(
      plotError(await preview('huge4.nc', netCdfFixture('huge4.nc'))),
      `variable 'huge': the slice has 50000 × 50000 values, more than the ${MAX_SLICE_VALUES} a preview reads; download the file`,
    );
  });

  void test('a slice index out of range, or not a number, is refused naming the dimension', async () => {
    for (const file of ['classic.nc', 'netcdf4.nc']) {
      const bytes = netCdfFixture(file);
      assert.equal(
        plotError(await preview(file, bytes, { variable: 'temp', at: { time: '3' } })),
        "index of dimension 'time': 3 is out of range (it has 3 entries, 0–2)",
      );
      assert.equal(
        plotError(await preview(file, bytes, { variable: 'temp', at: { time: '-1' } })),
        "index of dimension 'time': '-1' is not a whole number",
      );
      assert.equal(
        plotError(await preview(file, bytes, { variable: 'nope', at: {} })),
        "the file has no variable 'nope'",
      );
    }
  });

  void test('the classic reader stops at its deadline between reads', async () => {
    const bytes = classic();
    const file = classicFile(parseNetCdfHeader(bytes), inMemory(bytes));
    let clock = 0;
    // Time passes one unit per look at the clock: the deadline falls between the reads' checks.
    const deadline = deadlineIn(1, () => clock++);
    await assert.rejects(loadSlice(file, { variable: 'temp', at: {} }, deadline), PreviewLimitError);
  });

  void test('the NetCDF-4 reader is stopped at its deadline, and the next preview gets a fresh one', async () => {
    // A clock cannot be made to run out exactly while HDF5 works, so this deadline says so: it
    // lets the wait for the reader's turn and the file's read through (openHdf5's first two
    // waits), then answers the wait for the reader's reply with the time being up.
    let waits = 0;
    const expired: Deadline = {
      check() {},
      within: (promise) =>
        ++waits <= 2 ? promise : Promise.reject(new PreviewLimitError('preview took too long')),
    };
    const bytes = netCdfFixture('netcdf4.nc');
    await assert.rejects(openHdf5(inMemory(bytes), expired), PreviewLimitError);
    const file = await openHdf5(inMemory(bytes), deadlineIn(60_000));
    try {
      const slice = await loadSlice(file, { variable: 'series', at: {} }, deadlineIn(60_000));
      assert.deepEqual(Array.from(slice.values), [7, -3, 12]);
    } finally {
      await file.close();
    }
  });
});
