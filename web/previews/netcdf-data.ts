// Reads a slice of a variable's data from a classic NetCDF file (CDF-1/2/5), given its header
// (netcdf.ts) and random access to the file. Non-record variables are stored contiguously at
// their `begin`; record variables interleave: record r of variable v is at
// v.begin + r × recordSize, recordSize being the sum of every record variable's per-record size
// (each padded to 4 bytes, except when there is only one record variable).
// Format: https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html
//
// The header comes from a run and may lie about lengths and offsets: before reading, a
// variable's whole declared extent must lie inside the file, in safe-integer arithmetic, and
// the bytes one plot reads are capped (MAX_READ_BYTES), so a request costs at most that.
import type { Deadline } from './budget.ts';
import { NetCdfError, pad4, TYPE_SIZE, valueAt, type NcHeader, type NcVariable } from './netcdf.ts';
import type { NdFile, NdVariable } from './netcdf-slice.ts';

/** A file read by range; `read` answers exactly `length` fresh bytes (the caller's to keep or hand over) or throws. */
export interface RandomAccess {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Bytes of the file one read may span (records of other variables included). */
export const MAX_READ_BYTES = 32 * 1024 * 1024;
/** Records read together in one range when they are close (fewer reads, a bounded span). */
const BATCH_BYTES = 1024 * 1024;

/** The product, refused when it leaves the safe integers (a lying header's lengths). */
function product(values: number[], what: string): number {
  let result = 1;
  for (const v of values) {
    result *= v;
    if (!Number.isSafeInteger(result)) throw new NetCdfError(`${what} is too large to address`);
  }
  return result;
}

/** The attribute's numbers (64-bit ones, printed as strings, are left out). */
function numericAttributes(v: NcVariable, name: string): number[] {
  const value = v.attributes.find((a) => a.name === name)?.value;
  return Array.isArray(value) ? value.filter((n): n is number => typeof n === 'number') : [];
}

const numericAttribute = (v: NcVariable, name: string): number | undefined => numericAttributes(v, name)[0];

function textAttribute(v: NcVariable, name: string): string | undefined {
  const value = v.attributes.find((a) => a.name === name)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** The classic file as the plots read it. */
export function classicFile(header: NcHeader, source: RandomAccess): NdFile {
  const byName = new Map(header.variables.map((v) => [v.name, v]));
  const recordVariables = header.variables.filter((v) => v.record);
  const variables: NdVariable[] = header.variables.map((v) => ({
    name: v.name,
    dimensions: v.dimensions,
    shape: v.shape,
    numeric: v.type !== 'char',
    units: textAttribute(v, 'units'),
    fill: numericAttribute(v, '_FillValue'),
    missing: numericAttributes(v, 'missing_value'),
    scale: numericAttribute(v, 'scale_factor'),
    offset: numericAttribute(v, 'add_offset'),
  }));
  let recordSize: number | undefined;
  const sizeOfRecord = () =>
    (recordSize ??=
      recordVariables.length === 1
        ? bytesPerRecord(recordVariables[0]!)
        : recordVariables.reduce((sum, v) => {
            const total = sum + pad4(bytesPerRecord(v));
            if (!Number.isSafeInteger(total))
              throw new NetCdfError('the record size is too large to address');
            return total;
          }, 0));
  return {
    variables,
    async read(variable, start, count, deadline) {
      const v = byName.get(variable.name);
      if (!v) throw new NetCdfError(`the file has no variable '${variable.name}'`);
      return readSlice(v, header, source, v.record ? sizeOfRecord() : 0, start, count, deadline);
    },
  };
}

/** Bytes of one record of a record variable, or of the whole of any other. */
function bytesPerRecord(v: NcVariable): number {
  return product([...v.shape.slice(v.record ? 1 : 0), TYPE_SIZE[v.type]], `variable '${v.name}'`);
}

async function readSlice(
  v: NcVariable,
  header: NcHeader,
  source: RandomAccess,
  recordSize: number,
  start: number[],
  count: number[],
  deadline: Deadline,
): Promise<Float64Array> {
  if (v.type === 'char') throw new NetCdfError(`variable '${v.name}' is text, not numbers`);
  if (v.record && header.numRecords === 'streaming')
    throw new NetCdfError(`variable '${v.name}': the file is still being written (streaming record count)`);
  const size = TYPE_SIZE[v.type];
  const records = v.record ? v.shape[0]! : 1;
  const perRecord = bytesPerRecord(v);
  // The declared extent of the whole variable must be inside the file: a header that lies about
  // a length or an offset is refused here, before anything is read.
  const extent = records === 0 ? 0 : product([records - 1, recordSize], `variable '${v.name}'`) + perRecord;
  const end = v.begin + extent;
  if (!Number.isSafeInteger(end) || end > source.size) {
    throw new NetCdfError(
      `variable '${v.name}': its data (bytes ${v.begin}–${end}) lies past the end of the file (${source.size} bytes)`,
    );
  }
  // Inside a record (or the whole variable), the fixed dimensions lead and the plotted ones
  // follow in full, so the values wanted are one contiguous block.
  const inner = v.shape.slice(v.record ? 1 : 0);
  const innerStart = start.slice(v.record ? 1 : 0);
  const innerCount = count.slice(v.record ? 1 : 0);
  let linear = 0;
  inner.forEach((length, d) => (linear = linear * length + innerStart[d]!));
  const blockOffset = linear * size;
  const blockValues = product(innerCount, `variable '${v.name}'`);
  const blockBytes = blockValues * size;
  const firstRecord = v.record ? start[0]! : 0;
  const recordCount = v.record ? count[0]! : 1;

  // Close records are read together: one range spanning several, if it stays small.
  const perBatch = recordSize > 0 ? Math.max(1, Math.floor(BATCH_BYTES / recordSize)) : 1;
  const spanned = recordCount * (perBatch > 1 ? recordSize : blockBytes);
  if (spanned > MAX_READ_BYTES) {
    throw new NetCdfError(
      `variable '${v.name}': the slice spans ${spanned} bytes of the file, more than the ${MAX_READ_BYTES} a preview reads; download the file`,
    );
  }
  const values = new Float64Array(recordCount * blockValues);
  for (let r = 0; r < recordCount; r += perBatch) {
    deadline.check();
    const inBatch = Math.min(perBatch, recordCount - r);
    const offset = v.begin + (firstRecord + r) * recordSize + blockOffset;
    const length = (inBatch - 1) * recordSize + blockBytes;
    const bytes = await deadline.within(source.read(offset, length));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let b = 0; b < inBatch; b++) {
      const base = b * recordSize;
      const out = (r + b) * blockValues;
      for (let i = 0; i < blockValues; i++) values[out + i] = Number(valueAt(view, base + i * size, v.type));
    }
  }
  return values;
}
