// NetCDF plots read from storage by range, on disk and in S3 alike (web/previews/netcdf-source.ts):
// the same slice from the same file whichever backend holds it, NetCDF-4 (read whole within its
// budget) included, and the run page's preview plots it instead of saying "download". CF
// packing: `scale_factor`/`add_offset` applied, `_FillValue` and `missing_value` missing, in a
// classic and a NetCDF-4 file (test/fixtures/netcdf/make.py: packed.nc, packed4.nc). Keys that
// leave the series' folder are refused before any read.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { InvalidRequestError } from '../../core/errors.ts';
import { DiskStorage } from '../../files/storage/disk.ts';
import { S3Storage } from '../../files/storage/s3.ts';
import type { Storage } from '../../files/storage/types.ts';
import { deadlineIn } from '../../web/previews/budget.ts';
import { loadPreview } from '../../web/previews/file.tsx';
import { netCdfSlice } from '../../web/previews/netcdf-preview.ts';
import { openSeriesFile } from '../../web/previews/netcdf-source.ts';
import { netCdfFixture } from '../support/netcdf.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';

const SERIES = 'ncseries1';
const expected = JSON.parse(netCdfFixture('expected.json').toString()) as Record<
  string,
  Array<number | null>
>;
const FILES = ['classic.nc', 'netcdf4.nc', 'packed.nc', 'packed4.nc'];

/** NaN (missing) as null, so a slice compares with expected.json. */
const plain = (values: Float64Array) => Array.from(values, (v) => (Number.isNaN(v) ? null : v));

describe('NetCDF plots read from storage', { timeout: 120_000 }, () => {
  let s3: TestS3Server;
  let dir: string;
  const backends: Array<[string, Storage]> = [];

  before(async () => {
    s3 = await startS3Server();
    dir = await mkdtemp(path.join(tmpdir(), 'tuplet-nc-'));
    backends.push(['disk', new DiskStorage(dir)], ['S3', new S3Storage(s3.options('nc'))]);
    for (const [, storage] of backends)
      for (const name of FILES)
        await storage.put(`${SERIES}/runs/r0/${name}`, Readable.from([netCdfFixture(name)]));
    // Another series' file in the same storage: what an escaping path would reach.
    for (const [, storage] of backends)
      await storage.put('other/runs/r0/secret.nc', Readable.from([netCdfFixture('classic.nc')]));
  });
  after(async () => {
    for (const [, storage] of backends) if (storage instanceof S3Storage) storage.close();
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const slice = (storage: Storage, file: string, variable: string, at: Record<string, string> = {}) =>
    netCdfSlice(storage, SERIES, `runs/r0/${file}`, { variable, at }, deadlineIn(30_000));

  test('the same values from disk and S3, classic and NetCDF-4, fill values missing', async () => {
    for (const [backend, storage] of backends) {
      for (const file of ['classic.nc', 'netcdf4.nc']) {
        const temp = await slice(storage, file, 'temp', { time: '1' });
        assert.deepEqual(
          plain(temp.values),
          (expected.temp as unknown as Array<Array<Array<number | null>>>)[1]!.flat(),
          `${backend} ${file}`,
        );
        assert.deepEqual(plain(temp.coordinates[1]!), expected.x, `${backend} ${file}: x`);
      }
    }
  });

  test('packed variables are unpacked (scale_factor, add_offset); _FillValue and missing_value are missing', async () => {
    for (const [backend, storage] of backends) {
      for (const file of ['packed.nc', 'packed4.nc']) {
        const packed = await slice(storage, file, 'packed');
        assert.deepEqual(plain(packed.values), expected.packed, `${backend} ${file}`);
      }
    }
  });

  test('the run page plots a NetCDF file in S3 (no "download" instead)', async () => {
    const [, s3Storage] = backends[1]!;
    for (const file of ['packed.nc', 'packed4.nc']) {
      const preview = await loadPreview(s3Storage, SERIES, `runs/r0/${file}`);
      assert.equal(preview.kind, 'netcdf', JSON.stringify(preview));
      if (preview.kind !== 'netcdf') continue;
      assert.ok(!('error' in preview.data.slice), JSON.stringify(preview.data.slice));
      if ('error' in preview.data.slice) continue;
      assert.deepEqual(plain(preview.data.slice.values), expected.packed);
    }
  });

  test("paths leaving the series' folder are refused before any read", async () => {
    for (const [backend, storage] of backends) {
      for (const relative of [
        '../other/runs/r0/secret.nc',
        'runs/../../other/runs/r0/secret.nc',
        '/other/runs/r0/secret.nc',
        'runs//r0/classic.nc',
      ]) {
        await assert.rejects(
          openSeriesFile(storage, SERIES, relative),
          InvalidRequestError,
          `${backend} ${relative}`,
        );
        const preview = await loadPreview(storage, SERIES, relative).catch((error: unknown) => error);
        assert.ok(
          preview instanceof InvalidRequestError || (preview as { kind?: string }).kind === 'none',
          `${backend} ${relative}: ${JSON.stringify(preview)}`,
        );
      }
    }
  });
});
