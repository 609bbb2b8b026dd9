// What the run page plots from a NetCDF file, whichever reader opened it (classic:
// netcdf-data.ts, NetCDF-4/HDF5: hdf5.ts): a 1-D variable as a line, or a 2-D slice of a
// variable — its last two dimensions, at chosen indices of the others — as a heatmap. Both
// readers answer the same small interface (NdFile), so choosing the variable, checking the
// indices and the size, and finding coordinate variables are written once, here.
//
// The choice comes from the query string and the file from a run: both untrusted. Every index
// is checked against its dimension and the slice's size against MAX_SLICE_VALUES before any
// data is read, so a request reads at most that many values, whatever the file declares.
import type { Deadline } from './budget.ts';
import { NetCdfError } from './netcdf.ts';

/** A variable as both readers describe it. */
export interface NdVariable {
  name: string;
  dimensions: string[];
  shape: number[];
  /** Numbers (plottable); text and compound variables are listed but not plotted. */
  numeric: boolean;
  units?: string | undefined;
  /** Its `_FillValue`: values equal to it are missing (drawn grey, left out of lines). */
  fill?: number | undefined;
  /** Its `missing_value` (CF allows several): missing as the fill value is. */
  missing?: number[] | undefined;
  /** CF packing (`scale_factor`, `add_offset`): a stored value v means v × scale + offset. */
  scale?: number | undefined;
  offset?: number | undefined;
}

export interface NdFile {
  variables: NdVariable[];
  /**
   * The values of the hyperslab `start`/`count` (one entry per dimension), row-major, as numbers
   * (64-bit integers lose precision past 2^53, which a plot does not show).
   */
  read(variable: NdVariable, start: number[], count: number[], deadline: Deadline): Promise<Float64Array>;
}

/** The plot asked for: a variable and `at[dimension]` indices (query strings, unchecked). */
export interface SliceChoice {
  variable?: string | undefined;
  at: Record<string, string>;
}

export interface SlicePlan {
  variable: NdVariable;
  /** The plotted dimensions: [x] for a line, [rows, columns] for a heatmap. */
  axes: string[];
  /** The dimensions held at one index, with that index. */
  fixed: Array<{ dimension: string; index: number; length: number }>;
  start: number[];
  count: number[];
}

export interface SliceData {
  plan: SlicePlan;
  values: Float64Array;
  /** Each plotted axis' coordinate variable's values, when the file has one. */
  coordinates: Array<Float64Array | undefined>;
}

/** Values one plot reads at most (8 MiB as numbers): a slice of more is refused, naming its size. */
export const MAX_SLICE_VALUES = 1 << 20;

/** A variable named like its only dimension: the coordinates along that dimension. */
function isCoordinate(v: NdVariable): boolean {
  return v.dimensions.length === 1 && v.dimensions[0] === v.name;
}

/** Numbers with at least one dimension. */
export const plottable = (v: NdVariable) => v.numeric && v.shape.length > 0;

/** How many of a variable's dimensions a plot shows (its last ones): one for a line, two for a heatmap. */
export const plottedDimensions = (v: NdVariable) => Math.min(2, v.shape.length);

/** The variable a page shows unless one is chosen: the first data variable, else the first coordinate. */
export function defaultVariable(variables: NdVariable[]): NdVariable | undefined {
  return variables.find((v) => plottable(v) && !isCoordinate(v)) ?? variables.find(plottable);
}

/** The variable the choice names, or the default one. */
export function chosenVariable(variables: NdVariable[], choice: SliceChoice): NdVariable | undefined {
  return choice.variable ? variables.find((v) => v.name === choice.variable) : defaultVariable(variables);
}

/** Checks the choice against the file; throws NetCdfError naming the variable, dimension or size at fault. */
export function planSlice(variables: NdVariable[], choice: SliceChoice): SlicePlan {
  const variable = chosenVariable(variables, choice);
  if (!variable) {
    throw new NetCdfError(
      choice.variable
        ? `the file has no variable '${choice.variable}'`
        : 'the file has no numeric variable to plot',
    );
  }
  const { name, shape, dimensions } = variable;
  if (!variable.numeric) throw new NetCdfError(`variable '${name}' is not numeric: nothing to plot`);
  if (shape.length === 0) throw new NetCdfError(`variable '${name}' is a scalar: nothing to plot`);
  shape.forEach((length, d) => {
    if (!Number.isSafeInteger(length) || length < 0)
      throw new NetCdfError(`variable '${name}': dimension ${d} ('${dimensions[d]}') is not in the file`);
  });
  const plotted = plottedDimensions(variable);
  const start: number[] = [];
  const count: number[] = [];
  const fixed: SlicePlan['fixed'] = [];
  shape.forEach((length, d) => {
    const dimension = dimensions[d]!;
    if (d >= shape.length - plotted) {
      start.push(0);
      count.push(length);
      return;
    }
    const index = indexOf(choice.at[dimension], dimension, length);
    fixed.push({ dimension, index, length });
    start.push(index);
    count.push(1);
  });
  const values = count.reduce((a, b) => a * b, 1);
  if (values === 0) throw new NetCdfError(`variable '${name}' holds no values (a dimension of length 0)`);
  if (values > MAX_SLICE_VALUES) {
    throw new NetCdfError(
      `variable '${name}': the ${plotted === 1 ? 'line' : 'slice'} has ${count.filter((c) => c > 1).join(' × ')} values, more than the ${MAX_SLICE_VALUES} a preview reads; download the file`,
    );
  }
  return { variable, axes: dimensions.slice(shape.length - plotted), fixed, start, count };
}

function indexOf(raw: string | undefined, dimension: string, length: number): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw))
    throw new NetCdfError(`index of dimension '${dimension}': '${raw.slice(0, 40)}' is not a whole number`);
  const index = Number(raw);
  if (index >= length) {
    throw new NetCdfError(
      `index of dimension '${dimension}': ${index} is out of range (it has ${length} ${length === 1 ? 'entry' : 'entries'}, 0–${length - 1})`,
    );
  }
  return index;
}

/** Plans, reads and returns the slice with its coordinates; errors are NetCdfError or PreviewLimitError. */
export async function loadSlice(file: NdFile, choice: SliceChoice, deadline: Deadline): Promise<SliceData> {
  const plan = planSlice(file.variables, choice);
  const values = unpacked(await file.read(plan.variable, plan.start, plan.count, deadline), plan.variable);
  const coordinates: SliceData['coordinates'] = [];
  for (const axis of plan.axes) {
    const coordinate = file.variables.find(
      (v) => isCoordinate(v) && v.name === axis && v.numeric && v !== plan.variable,
    );
    const length = plan.count[plan.variable.dimensions.lastIndexOf(axis)]!;
    // A coordinate variable of another length than the axis, or one that cannot be read (a
    // lying file), is not used: the axis shows indices.
    coordinates.push(
      coordinate && coordinate.shape[0] === length
        ? await file
            .read(coordinate, [0], [length], deadline)
            .then((values) => unpacked(values, coordinate))
            .catch((error: unknown) => {
              if (error instanceof NetCdfError) return undefined;
              throw error;
            })
        : undefined,
    );
  }
  deadline.check();
  return { plan, values, coordinates };
}

/**
 * The values as the CF conventions mean them: a stored value equal to `_FillValue` or to a
 * `missing_value` is missing (NaN; both compare with the stored, packed value), any other is
 * unpacked (× scale_factor + add_offset). Attributes that are not finite numbers are ignored.
 */
export function unpacked(values: Float64Array, variable: NdVariable): Float64Array {
  const missing = [variable.fill, ...(variable.missing ?? [])].filter(
    (m): m is number => m !== undefined && Number.isFinite(m),
  );
  const finite = (n: number | undefined, otherwise: number) =>
    n !== undefined && Number.isFinite(n) ? n : otherwise;
  const scale = finite(variable.scale, 1);
  const offset = finite(variable.offset, 0);
  if (missing.length === 0 && scale === 1 && offset === 0) return values;
  return values.map((v) => (missing.includes(v) ? NaN : v * scale + offset));
}
