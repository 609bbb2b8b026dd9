// The plot part of a NetCDF file's preview on the run page: a small GET form choosing the
// variable and the indices of the dimensions not plotted, the plot (or why there is none), and
// its SVG and PNG downloads. The form's query (netcdf-preview.ts names its parameters) reloads
// the run page; the same query with `format=svg` answers the plot alone (routes/netcdf-svg.tsx).
import { NC_AT, NC_FILE, NC_VARIABLE, type NetCdfData } from './netcdf-preview.ts';
import { NetCdfPlot } from './netcdf-plot.tsx';
import { chosenVariable, plottable, plottedDimensions } from './netcdf-slice.ts';

/** The query string of a plot of file `name` (the page's, or with `format=svg` the download's). */
function queryOf(name: string, data: NetCdfData, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ [NC_FILE]: name });
  if ('plan' in data.slice) {
    query.set(NC_VARIABLE, data.slice.plan.variable.name);
    for (const f of data.slice.plan.fixed) query.set(`${NC_AT}${f.dimension}`, String(f.index));
  }
  for (const [k, v] of Object.entries(extra)) query.set(k, v);
  return query.toString();
}

/** An id for the file's form, from its name (the page jumps back to it after a choice). */
const anchorOf = (name: string) => `netcdf-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

export function NetCdfDataView(props: { data: NetCdfData; name: string }) {
  const { data, name } = props;
  const options = data.variables.filter(plottable);
  if (options.length === 0)
    return (
      <p class="muted small" role={'error' in data.slice ? 'alert' : undefined}>
        {'error' in data.slice ? data.slice.error : 'No numeric variable to plot.'}
      </p>
    );
  const variable = chosenVariable(data.variables, data.choice);
  const fixed = variable
    ? variable.dimensions.slice(0, variable.shape.length - plottedDimensions(variable))
    : [];
  const anchor = anchorOf(name);
  const svgQuery = queryOf(name, data, { format: 'svg' });
  return (
    <section class="netcdf-plot" id={anchor} aria-label={`Plot of ${name}`}>
      <form method="get" action={`#${anchor}`} class="map-controls netcdf-form">
        <input type="hidden" name={NC_FILE} value={name} />
        <div>
          <label for={`${anchor}-var`}>Variable</label>
          <select id={`${anchor}-var`} name={NC_VARIABLE}>
            {options.map((v) => (
              <option value={v.name} selected={v === variable}>
                {`${v.name}(${v.dimensions.join(', ')})`}
              </option>
            ))}
          </select>
        </div>
        {fixed.map((dimension, d) => (
          <div>
            <label for={`${anchor}-at-${d}`}>
              {dimension} (0–{variable!.shape[d]! - 1})
            </label>
            <input
              id={`${anchor}-at-${d}`}
              name={`${NC_AT}${dimension}`}
              type="number"
              min="0"
              max={String(Math.max(0, variable!.shape[d]! - 1))}
              value={data.choice.at[dimension] ?? '0'}
              style="width:6rem"
            />
          </div>
        ))}
        <div>
          <button type="submit">Plot</button>
        </div>
      </form>
      {'error' in data.slice ? (
        <p class="error" role="alert">
          {data.slice.error}
        </p>
      ) : (
        <>
          <div class="plot-wrap">
            <NetCdfPlot slice={data.slice} titleId={`${anchor}-title`} />
          </div>
          <p class="row small">
            <a href={`?${svgQuery}`} download={`${data.slice.plan.variable.name}.svg`}>
              Download SVG
            </a>
            <button type="button" data-svg={`?${svgQuery}`} class="plot-png">
              Download PNG
            </button>
          </p>
        </>
      )}
    </section>
  );
}
