// The NetCDF part of a run's file previews: the variables and the plotted slice of a classic
// (netcdf-data.ts) or NetCDF-4/HDF5 (hdf5.ts) file, and the choice of what to plot read from the
// run page's query string. A slice that cannot be read becomes its message beside the header,
// so a lying variable does not hide the rest of the file.
import { InvalidRequestError, NotFoundError } from '../../core/errors.ts';
import type { Storage } from '../../files/storage/index.ts';
import { PreviewLimitError, type Deadline } from './budget.ts';
import { classicFile } from './netcdf-data.ts';
import { loadSlice, type NdFile, type NdVariable, type SliceChoice, type SliceData } from './netcdf-slice.ts';
import { openSeriesFile, type OpenedFile } from './netcdf-source.ts';
import { looksLikeNetCdf, NetCdfError, parseNetCdfHeader, type NcHeader } from './netcdf.ts';
import { looksLikeHdf5, openHdf5 } from './hdf5.ts';

/**
 * Time a NetCDF preview may take, plot included. Longer than other previews: the first NetCDF-4
 * preview starts the HDF5 reader, which compiles its wasm (half a second on an idle machine,
 * seconds on a loaded one).
 */
export const NETCDF_MS = 10_000;
/** Bytes read to find a classic file's header (as the preview of its header does). */
export const HEADER_BYTES = 256 * 1024;

export type NetCdfFormat = { kind: 'classic'; header: NcHeader } | { kind: 'hdf5' };

export interface NetCdfData {
  variables: NdVariable[];
  /** What was asked for (the form shows it again, beside an error). */
  choice: SliceChoice;
  slice: SliceData | { error: string };
}

/** Query parameters of a NetCDF plot: `nc` (the file, relative to the run), `var`, `at.DIMENSION`. */
export const NC_FILE = 'nc';
export const NC_VARIABLE = 'var';
export const NC_AT = 'at.';

/** What to plot of the run's file `name`: the query's choice when it names this file, else the default. */
export function netCdfChoice(name: string, query: Record<string, string>): SliceChoice {
  if (query[NC_FILE] !== name) return { at: {} };
  const at: Record<string, string> = {};
  for (const [key, value] of Object.entries(query))
    if (key.startsWith(NC_AT)) at[key.slice(NC_AT.length)] = value;
  return { variable: query[NC_VARIABLE] || undefined, at };
}

/** True for the files whose NetCDF-4/HDF5 content is previewed. */
export function isHdf5Name(ext: string): boolean {
  return ['.nc', '.nc4', '.cdf', '.h5', '.hdf5', '.he5'].includes(ext);
}

const message = (error: unknown) => {
  if (error instanceof NetCdfError || error instanceof PreviewLimitError) return { error: error.message };
  throw error;
};

async function withFile<T>(
  source: OpenedFile,
  format: NetCdfFormat,
  deadline: Deadline,
  use: (file: NdFile) => Promise<T>,
) {
  if (format.kind === 'classic') return use(classicFile(format.header, source));
  const file = await openHdf5(source, deadline);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

async function open(storage: Storage | string, seriesId: string, relative: string, deadline: Deadline) {
  try {
    return await deadline.within(openSeriesFile(storage, seriesId, relative));
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof InvalidRequestError)
      throw new NetCdfError(`file '${relative}' not readable: ${error.message}`);
    throw error;
  }
}

/**
 * The variables and the chosen slice of a file already recognised (its header parsed, or its
 * HDF5 signature seen). Throws NetCdfError or PreviewLimitError only when a NetCDF-4 file cannot
 * be opened; a slice that cannot be read is answered as its message.
 */
export async function netCdfData(
  storage: Storage | string,
  seriesId: string,
  relative: string,
  format: NetCdfFormat,
  choice: SliceChoice,
  deadline: Deadline,
): Promise<NetCdfData> {
  try {
    const source = await open(storage, seriesId, relative, deadline);
    try {
      return await withFile(source, format, deadline, async (file) => ({
        variables: file.variables,
        choice,
        slice: await loadSlice(file, choice, deadline).catch(message),
      }));
    } finally {
      await source.close();
    }
  } catch (error) {
    // A classic file's header is shown whatever happens to its data.
    if (format.kind === 'classic') return { variables: [], choice, slice: message(error) };
    throw error;
  }
}

/** The chosen slice of a stored file, recognising its format; throws NetCdfError or PreviewLimitError. */
export async function netCdfSlice(
  storage: Storage | string,
  seriesId: string,
  relative: string,
  choice: SliceChoice,
  deadline: Deadline,
): Promise<SliceData> {
  const source = await open(storage, seriesId, relative, deadline);
  try {
    const first = await deadline.within(source.read(0, Math.min(source.size, HEADER_BYTES)));
    let format: NetCdfFormat;
    if (looksLikeNetCdf(first)) format = { kind: 'classic', header: parseNetCdfHeader(first, deadline) };
    else if (looksLikeHdf5(first)) format = { kind: 'hdf5' };
    else throw new NetCdfError(`file '${relative}' is not a NetCDF file`);
    return await withFile(source, format, deadline, (file) => loadSlice(file, choice, deadline));
  } finally {
    await source.close();
  }
}
