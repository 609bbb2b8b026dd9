// The NetCDF test files of test/fixtures/netcdf (written by make.py there), and a file in
// memory read by range as the stored ones are.
import { readFileSync } from 'node:fs';
import type { RandomAccess } from '../../web/previews/netcdf-data.ts';

export const NETCDF_FIXTURES = new URL('../fixtures/netcdf/', import.meta.url);

export const netCdfFixture = (name: string) => readFileSync(new URL(name, NETCDF_FIXTURES));

export function inMemory(bytes: Uint8Array): RandomAccess {
  return {
    size: bytes.length,
    async read(offset, length) {
      if (offset + length > bytes.length) throw new Error('read past the end');
      return new Uint8Array(bytes.subarray(offset, offset + length)); // a copy, as a read is
    },
  };
}
