// The run page's NetCDF plot alone, as a standalone SVG: the page's own URL and query (the file,
// variable and indices the form chose) with `format=svg`. It is the "Download SVG" link and what
// results.js draws into a PNG. What the file or the choice does wrong is answered 422, naming it.
import type { Context } from 'hono';
import type { Storage } from '../../files/storage/index.ts';
import { deadlineIn, PreviewLimitError } from '../previews/budget.ts';
import { NetCdfError } from '../previews/netcdf.ts';
import { NC_FILE, netCdfChoice, netCdfSlice, NETCDF_MS } from '../previews/netcdf-preview.ts';
import { NetCdfPlot } from '../previews/netcdf-plot.tsx';

/** The SVG when the query asks for one (`format=svg`), else undefined (the page is wanted). */
export async function netCdfSvg(
  c: Context,
  storage: Storage,
  seriesId: string,
  runDir: string,
): Promise<Response | undefined> {
  if (c.req.query('format') !== 'svg') return undefined;
  const name = c.req.query(NC_FILE);
  if (!name) return c.text(`${NC_FILE}: name the run's NetCDF file to plot`, 422);
  let slice;
  try {
    slice = await netCdfSlice(
      storage,
      seriesId,
      `${runDir}${name}`,
      netCdfChoice(name, c.req.query()),
      deadlineIn(NETCDF_MS),
    );
  } catch (error) {
    if (error instanceof NetCdfError || error instanceof PreviewLimitError)
      return c.text(`${name}: ${error.message}`, 422);
    throw error;
  }
  const svg = await Promise.resolve((<NetCdfPlot slice={slice} />).toString());
  c.header('content-type', 'image/svg+xml; charset=utf-8');
  c.header(
    'content-disposition',
    `inline; filename="${slice.plan.variable.name.replace(/[^\w.-]+/g, '_')}.svg"`,
  );
  return c.body(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}`);
}
