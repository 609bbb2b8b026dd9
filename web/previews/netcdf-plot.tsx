// A NetCDF slice drawn on the server as SVG, in the results plots' frame and scales
// (web/pages/results/svg.tsx): a 1-D variable as a line over its coordinate variable (or its
// index), a 2-D slice as a heatmap in viridis with a colour bar. A slice holds up to
// MAX_SLICE_VALUES numbers, more than SVG should draw: a long line keeps each bucket's lowest and
// highest point (peaks survive), a large slice is drawn in blocks of cells, each the mean.
import { formatNumber, Frame, linear, numericTicks, PLOT, viridis } from '../pages/results/svg.tsx';
import type { SliceData } from './netcdf-slice.ts';

/** Points of a line: buckets beyond this keep their min and max. */
const LINE_BUCKETS = 1000;
/** Cells of a heatmap drawn at most, per axis. */
const MAX_COLUMNS = 100;
const MAX_ROWS = 60;

export function sliceTitle(slice: SliceData): string {
  const { variable, fixed, axes } = slice.plan;
  const at = fixed.map((f) => `${f.dimension}=${f.index}`).join(', ');
  return `${variable.name}(${axes.join(', ')})${at ? ` at ${at}` : ''}`;
}

const valueLabel = (slice: SliceData) =>
  slice.plan.variable.units
    ? `${slice.plan.variable.name} (${slice.plan.variable.units})`
    : slice.plan.variable.name;

function extent(values: ArrayLike<number>): [number, number] | undefined {
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** The points drawn: all of them, or per bucket its lowest and highest, in order. */
function thinned(xs: ArrayLike<number>, ys: Float64Array): Array<[number, number]> {
  const n = ys.length;
  const step = Math.max(1, Math.ceil(n / LINE_BUCKETS));
  const out: Array<[number, number]> = [];
  for (let b = 0; b < n; b += step) {
    let [lo, hi] = [-1, -1];
    for (let i = b; i < Math.min(n, b + step); i++) {
      if (!Number.isFinite(ys[i]!)) continue;
      if (lo < 0 || ys[i]! < ys[lo]!) lo = i;
      if (hi < 0 || ys[i]! > ys[hi]!) hi = i;
    }
    if (lo < 0) out.push([xs[b]!, NaN]);
    else for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) out.push([xs[i]!, ys[i]!]);
  }
  return out;
}

export function NetCdfLine(props: { slice: SliceData; titleId?: string | undefined }) {
  const { slice } = props;
  const n = slice.values.length;
  const xs = slice.coordinates[0] ?? Float64Array.from({ length: n }, (_, i) => i);
  const [x0, x1] = extent(xs) ?? [0, 1];
  const [y0, y1] = extent(slice.values) ?? [0, 1];
  const sx = linear(x0, x1, PLOT.x0 + 6, PLOT.x1 - 6);
  const sy = linear(y0, y1, PLOT.y0 - 6, PLOT.y1 + 6);
  // A missing value breaks the line.
  const segments: Array<Array<[string, string]>> = [[]];
  for (const [x, y] of thinned(xs, slice.values)) {
    if (Number.isFinite(x) && Number.isFinite(y)) segments.at(-1)!.push([sx(x).toFixed(1), sy(y).toFixed(1)]);
    else if (segments.at(-1)!.length) segments.push([]);
  }
  const axis = slice.plan.axes[0]!;
  return (
    <Frame
      titleId={props.titleId}
      title={sliceTitle(slice)}
      xLabel={slice.coordinates[0] ? axis : `${axis} (index)`}
      yLabel={valueLabel(slice)}
      xTicks={numericTicks(x0, x1, sx)}
      yTicks={numericTicks(y0, y1, sy)}
    >
      {segments
        .filter((s) => s.length)
        .map((s) =>
          s.length === 1 ? (
            <circle cx={s[0]![0]} cy={s[0]![1]} r="2" fill="#0072B2" />
          ) : (
            <polyline
              points={s.map((p) => p.join(',')).join(' ')}
              fill="none"
              stroke="#0072B2"
              stroke-width="1.5"
            />
          ),
        )}
    </Frame>
  );
}

/** The mean of the finite values of rows [r0, r1) × columns [c0, c1) of a row-major grid. */
function blockMean(values: Float64Array, columns: number, r0: number, r1: number, c0: number, c1: number) {
  let [sum, count] = [0, 0];
  for (let r = r0; r < r1; r++)
    for (let c = c0; c < c1; c++) {
      const v = values[r * columns + c]!;
      if (Number.isFinite(v)) [sum, count] = [sum + v, count + 1];
    }
  return count ? sum / count : NaN;
}

/** About five ticks along an axis of `n` cells drawn in [p0, p1]: labelled by coordinate, else index. */
function cellTicks(n: number, p0: number, p1: number, coordinates: Float64Array | undefined) {
  const at = linear(0, n, p0, p1);
  const step = Math.max(1, Math.round(n / 5));
  const out: Array<[number, string]> = [];
  for (let i = 0; i < n; i += step) out.push([at(i + 0.5), formatNumber(coordinates ? coordinates[i]! : i)]);
  return out;
}

function ColourBar(props: { lo: number; hi: number; label: string }) {
  const height = PLOT.y0 - PLOT.y1;
  const steps = 32;
  const ticks = numericTicks(props.lo, props.hi, linear(props.lo, props.hi, height, 0));
  return (
    <g>
      <text x="0" y="-6" font-weight="bold" fill="#333">
        {props.label}
      </text>
      {Array.from({ length: steps }, (_, i) => (
        <rect
          x="0"
          y={(height * (steps - 1 - i)) / steps}
          width="14"
          height={height / steps + 0.5}
          fill={viridis(i / (steps - 1))}
        />
      ))}
      {ticks.map(([y, label]) => (
        <text x="20" y={y + 4} fill="#333">
          {label}
        </text>
      ))}
    </g>
  );
}

export function NetCdfHeatmap(props: { slice: SliceData; titleId?: string | undefined }) {
  const { slice } = props;
  const [rowAxis, columnAxis] = slice.plan.axes as [string, string];
  const shape = slice.plan.count.slice(-2) as [number, number];
  const [rows, columns] = shape;
  const [lo, hi] = extent(slice.values) ?? [0, 1];
  const t = linear(lo, hi, 0, 1);
  const drawnRows = Math.min(rows, MAX_ROWS);
  const drawnColumns = Math.min(columns, MAX_COLUMNS);
  const w = (PLOT.x1 - PLOT.x0) / drawnColumns;
  const h = (PLOT.y0 - PLOT.y1) / drawnRows;
  const cells = [];
  for (let j = 0; j < drawnRows; j++) {
    const [r0, r1] = [Math.floor((j * rows) / drawnRows), Math.floor(((j + 1) * rows) / drawnRows)];
    for (let i = 0; i < drawnColumns; i++) {
      const [c0, c1] = [
        Math.floor((i * columns) / drawnColumns),
        Math.floor(((i + 1) * columns) / drawnColumns),
      ];
      const v = blockMean(slice.values, columns, r0, r1, c0, c1);
      const where =
        r1 - r0 === 1 && c1 - c0 === 1
          ? `${rowAxis}[${r0}], ${columnAxis}[${c0}]`
          : `${rowAxis}[${r0}–${r1 - 1}], ${columnAxis}[${c0}–${c1 - 1}] (mean)`;
      cells.push(
        <rect
          x={(PLOT.x0 + w * i).toFixed(1)}
          y={(PLOT.y0 - h * (j + 1)).toFixed(1)}
          width={(w + 0.3).toFixed(1)}
          height={(h + 0.3).toFixed(1)}
          fill={Number.isFinite(v) ? viridis(t(v)) : '#ddd'}
        >
          <title>{`${where}: ${Number.isFinite(v) ? formatNumber(v) : 'missing'}`}</title>
        </rect>,
      );
    }
  }
  return (
    <Frame
      titleId={props.titleId}
      title={sliceTitle(slice)}
      xLabel={columnAxis}
      yLabel={rowAxis}
      xTicks={cellTicks(columns, PLOT.x0, PLOT.x1, slice.coordinates[1])}
      yTicks={cellTicks(rows, PLOT.y0, PLOT.y1, slice.coordinates[0])}
      legend={<ColourBar lo={lo} hi={hi} label={valueLabel(slice)} />}
    >
      <g class="netcdf-cells">{cells}</g>
    </Frame>
  );
}

/** The plot of a slice: a line for one plotted dimension, a heatmap for two. */
export function NetCdfPlot(props: { slice: SliceData; titleId?: string | undefined }) {
  return props.slice.plan.axes.length === 1 ? <NetCdfLine {...props} /> : <NetCdfHeatmap {...props} />;
}
