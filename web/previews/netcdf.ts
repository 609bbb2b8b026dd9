// Reads the header of a classic NetCDF file (CDF-1, CDF-2 64-bit offset, CDF-5 64-bit data):
// dimensions, global attributes and variables with their attributes, shapes and data offsets.
// The data section is not read here (netcdf-data.ts reads one variable's slice), so listing a
// large file costs only its first kilobytes.
// Format: https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html
//
// The bytes come from files that runs wrote, so every count in them may lie: each length is
// checked against the bytes left before it is used (in plain Number arithmetic, never 32-bit
// bit operations), and lists are capped, so the work is bounded by the bytes given.
// Why not netcdfjs: it holds against lying counts too (it throws when it runs out of
// bytes), but reads neither CDF-5 nor its unsigned and 64-bit types, which ours does,
// its errors do not say what was wrong, and it decodes every attribute value in full.
import { NO_DEADLINE, type Deadline } from './budget.ts';

export type NcType =
  'byte' | 'char' | 'short' | 'int' | 'float' | 'double' | 'ubyte' | 'ushort' | 'uint' | 'int64' | 'uint64';

export interface NcDimension {
  name: string;
  /** For the record (unlimited) dimension: the current number of records. */
  length: number;
  unlimited: boolean;
}

export interface NcAttribute {
  name: string;
  type: NcType;
  /** A string for `char` attributes, else the numbers (bigints print as strings). */
  value: string | Array<number | string>;
}

export interface NcVariable {
  name: string;
  type: NcType;
  dimensions: string[];
  attributes: NcAttribute[];
  /** Each dimension's length (the record dimension's: the number of records); NaN for an unknown dimension id. */
  shape: number[];
  /** A record variable: its first dimension is the unlimited one, its data interleaved by record. */
  record: boolean;
  /** Offset of the data in the file, as the header declares it (netcdf-data.ts checks it). */
  begin: number;
}

export interface NcHeader {
  /** 1 classic, 2 64-bit offset, 5 64-bit data. */
  version: 1 | 2 | 5;
  numRecords: number | 'streaming';
  dimensions: NcDimension[];
  attributes: NcAttribute[];
  variables: NcVariable[];
}

export class NetCdfError extends Error {
  override name = 'NetCdfError';

  /** True when the bytes ran out: the file, or the part of it that was read, is too short. */
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
  }
}

const TYPES: Record<number, { type: NcType; size: number }> = {
  1: { type: 'byte', size: 1 },
  2: { type: 'char', size: 1 },
  3: { type: 'short', size: 2 },
  4: { type: 'int', size: 4 },
  5: { type: 'float', size: 4 },
  6: { type: 'double', size: 8 },
  7: { type: 'ubyte', size: 1 },
  8: { type: 'ushort', size: 2 },
  9: { type: 'uint', size: 4 },
  10: { type: 'int64', size: 8 },
  11: { type: 'uint64', size: 8 },
};

const NC_DIMENSION = 0x0a;
const NC_VARIABLE = 0x0b;
const NC_ATTRIBUTE = 0x0c;
/** Attribute values shown at most; a header can hold long arrays. */
const MAX_VALUES = 64;
/** Caps on lists: netcdf-c's own limits for classic files (NC_MAX_DIMS, _ATTRS, _VARS, _VAR_DIMS). */
export const MAX_DIMENSIONS = 1024;
export const MAX_ATTRIBUTES = 8192;
export const MAX_VARIABLES = 8192;
export const MAX_VARIABLE_DIMENSIONS = 1024;

/** True when the bytes start like a classic NetCDF file. */
export function looksLikeNetCdf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x43 &&
    bytes[1] === 0x44 &&
    bytes[2] === 0x46 &&
    [1, 2, 5].includes(bytes[3]!)
  );
}

/**
 * Parses the header; throws NetCdfError when the bytes are not (or not enough of) a classic
 * NetCDF file or claim more than they hold, and PreviewLimitError past the deadline.
 */
export function parseNetCdfHeader(bytes: Uint8Array, deadline: Deadline = NO_DEADLINE): NcHeader {
  if (!looksLikeNetCdf(bytes)) {
    throw new NetCdfError('not a classic NetCDF file (HDF5-based NetCDF-4 files are not previewed)');
  }
  const version = bytes[3] as 1 | 2 | 5;
  const reader = new Reader(bytes, version === 5, deadline);
  reader.skip(4);
  const rawRecords = reader.count();
  const numRecords = version === 5 ? rawRecords : rawRecords === 0xffffffff ? 'streaming' : rawRecords;

  const dimensions: NcDimension[] = [];
  for (let i = 0, n = reader.listLength(NC_DIMENSION, 'dimensions', MAX_DIMENSIONS); i < n; i++) {
    const name = reader.name();
    const length = reader.count();
    const unlimited = length === 0;
    dimensions.push({
      name,
      length: unlimited && typeof numRecords === 'number' ? numRecords : length,
      unlimited,
    });
  }
  const attributes = readAttributes(reader);
  const variables: NcVariable[] = [];
  for (let i = 0, n = reader.listLength(NC_VARIABLE, 'variables', MAX_VARIABLES); i < n; i++) {
    const name = reader.name();
    const nd = reader.length(`dimensions of variable '${name}'`, reader.countSize, MAX_VARIABLE_DIMENSIONS);
    const dimIds: number[] = [];
    for (let d = 0; d < nd; d++) dimIds.push(reader.count());
    const varAttributes = readAttributes(reader);
    const type = reader.type();
    reader.count(); // vsize: recomputed from the shape where needed (it is capped at 2^32 - 4 and may lie)
    const begin = version === 1 ? reader.uint32() : reader.uint64();
    variables.push({
      name,
      type: type.type,
      dimensions: dimIds.map((id) => dimensions[id]?.name ?? `#${id}`),
      attributes: varAttributes,
      shape: dimIds.map((id) => dimensions[id]?.length ?? NaN),
      record: dimIds.length > 0 && dimensions[dimIds[0]!]?.unlimited === true,
      begin,
    });
  }
  return { version, numRecords, dimensions, attributes, variables };
}

function readAttributes(reader: Reader): NcAttribute[] {
  const attributes: NcAttribute[] = [];
  for (let i = 0, n = reader.listLength(NC_ATTRIBUTE, 'attributes', MAX_ATTRIBUTES); i < n; i++) {
    const name = reader.name();
    const { type, size } = reader.type();
    const count = reader.length(`values of attribute '${name}'`, size);
    const start = reader.offset;
    reader.skip(pad4(count * size));
    attributes.push({ name, type, value: decodeValues(reader.bytes, start, type, size, count) });
  }
  return attributes;
}

function decodeValues(
  bytes: Uint8Array,
  start: number,
  type: NcType,
  size: number,
  count: number,
): NcAttribute['value'] {
  if (type === 'char')
    return new TextDecoder().decode(bytes.subarray(start, start + count)).replace(/\0+$/, '');
  const shown = Math.min(count, MAX_VALUES);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, shown * size);
  const values: Array<number | string> = [];
  for (let i = 0; i < shown; i++) {
    const value = valueAt(view, i * size, type);
    if (typeof value === 'bigint') values.push(value.toString());
    else values.push(type === 'float' ? Number(value.toPrecision(7)) : value);
  }
  if (count > MAX_VALUES) values.push(`… ${count - MAX_VALUES} more`);
  return values;
}

/** The big-endian value of a numeric type at byte `at` (64-bit integers as bigints). */
export function valueAt(view: DataView, at: number, type: Exclude<NcType, 'char'>): number | bigint {
  switch (type) {
    case 'byte':
      return view.getInt8(at);
    case 'ubyte':
      return view.getUint8(at);
    case 'short':
      return view.getInt16(at);
    case 'ushort':
      return view.getUint16(at);
    case 'int':
      return view.getInt32(at);
    case 'uint':
      return view.getUint32(at);
    case 'float':
      return view.getFloat32(at);
    case 'double':
      return view.getFloat64(at);
    case 'int64':
      return view.getBigInt64(at);
    case 'uint64':
      return view.getBigUint64(at);
  }
}

/** Bytes per value of each type. */
export const TYPE_SIZE = Object.fromEntries(Object.values(TYPES).map((t) => [t.type, t.size])) as Record<
  NcType,
  number
>;

/** `n` rounded up to a multiple of 4, in Number arithmetic: `(n + 3) & ~3` wraps past 2^31. */
export function pad4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

/** Big-endian cursor; `count()` reads a NON_NEG, 8 bytes wide in CDF-5 and 4 otherwise. */
class Reader {
  offset = 0;
  readonly countSize: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    wide: boolean,
    private readonly deadline: Deadline,
  ) {
    this.countSize = wide ? 8 : 4;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.offset;
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }

  count(): number {
    return this.countSize === 8 ? this.uint64() : this.uint32();
  }

  uint32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  /** An unsigned 64-bit number, refused above 2^53 (no file is that large). */
  uint64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.offset);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw new NetCdfError(`count too large at byte ${this.offset - 8}`);
    return Number(value);
  }

  /**
   * A count of items of `itemBytes` bytes each that must follow: refused when the bytes left
   * cannot hold them (the count lies, or the bytes read end first) or when above `cap`.
   */
  length(what: string, itemBytes: number, cap = Infinity): number {
    const at = this.offset;
    const n = this.count();
    if (n > cap)
      throw new NetCdfError(
        `the header lists ${n} ${what} at byte ${at}, more than the ${cap} a preview reads`,
      );
    if (n > Math.floor(this.left / itemBytes)) {
      throw new NetCdfError(
        `header truncated at byte ${at}: it claims ${n} ${what}, more than the ${this.left} bytes left can hold`,
        true,
      );
    }
    this.deadline.check();
    return n;
  }

  /** A list header: the tag (or ZERO for an absent list) and its number of elements. */
  listLength(tag: number, what: string, cap: number): number {
    this.need(4);
    const found = this.view.getUint32(this.offset);
    this.offset += 4;
    // Every element takes at least two counts (a name's length and one more field).
    const n = this.length(what, 2 * this.countSize, cap);
    if (found === 0 && n === 0) return 0;
    if (found !== tag)
      throw new NetCdfError(
        `unexpected tag 0x${found.toString(16)} at byte ${this.offset - 4 - this.countSize}`,
      );
    return n;
  }

  name(): string {
    const length = this.length('bytes of a name', 1);
    this.need(pad4(length));
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += pad4(length);
    return text;
  }

  type(): { type: NcType; size: number } {
    this.need(4);
    const code = this.view.getUint32(this.offset);
    this.offset += 4;
    const type = TYPES[code];
    if (!type) throw new NetCdfError(`unknown type ${code} at byte ${this.offset - 4}`);
    return type;
  }

  private need(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new NetCdfError(`invalid length ${n} at byte ${this.offset}`);
    if (n > this.left) {
      throw new NetCdfError(
        `header truncated at byte ${this.offset} (the file or the bytes read are too short)`,
        true,
      );
    }
  }
}
