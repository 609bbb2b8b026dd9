// The three results plots, drawn from what db/results.ts answers: a metric against a parameter
// (one line per value of a second one, a band of ± one std), a heatmap over two parameters,
// and a scatter of two metrics coloured by a parameter. A mark that stands for one run opens
// it; one that aggregates several opens the results table filtered to them.
import type { AggregateGroup, ScatterPoint } from '../../../db/results.ts';
import { categorical, formatNumber, Frame, linear, Mark, numericTicks, PLOT, viridis } from './svg.tsx';

export interface Links {
  run(index: number): string;
  /** The results table filtered to these parameter values. */
  runsWith(values: Record<string, string | null>): string;
}

const isNumeric = (values: readonly string[]) =>
  values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
const distinct = (values: Array<string | null>) => [...new Set(values.map((v) => v ?? ''))];

/** Positions of parameter values along an axis: by value when all are numbers, else evenly. */
function valueAxis(values: string[], r0: number, r1: number) {
  if (isNumeric(values) && values.length > 1) {
    const nums = values.map(Number);
    const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
    const scale = linear(lo, hi, r0, r1);
    return { at: (v: string) => scale(Number(v)), ticks: numericTicks(lo, hi, scale) };
  }
  const step = (r1 - r0) / Math.max(1, values.length);
  const at = (v: string) => r0 + step * (values.indexOf(v) + 0.5);
  return { at, ticks: values.map((v): [number, string] => [at(v), v]) };
}

function hrefOf(links: Links, g: AggregateGroup): string {
  return g.run !== null ? links.run(g.run) : links.runsWith(g.values);
}

function describe(g: AggregateGroup, metric: string): string {
  const where = Object.entries(g.values)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  if (g.count === 0) return `${where}: no ${metric}`;
  const spread = g.std === null ? '' : ` ± ${formatNumber(g.std)}`;
  const who =
    g.run !== null
      ? `run ${g.run}`
      : `${g.count} runs, min ${formatNumber(g.min!)}, max ${formatNumber(g.max!)}`;
  return `${where}: ${metric} ${formatNumber(g.mean!)}${spread} (${who})`;
}

function Legend(props: { entries: Array<[string, string]>; title: string }) {
  return (
    <g>
      <text x="0" y="0" font-weight="bold" fill="#333">
        {props.title}
      </text>
      {props.entries.slice(0, 12).map(([color, label], i) => (
        <g transform={`translate(0 ${14 + i * 16})`}>
          <rect x="0" y="-9" width="12" height="12" fill={color} />
          <text x="18" y="1" fill="#333">
            {label}
          </text>
        </g>
      ))}
    </g>
  );
}

/** The range of the finite numbers given, widened when flat. */
function extent(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

export function LinePlot(props: {
  groups: AggregateGroup[];
  x: string;
  line?: string | undefined;
  metric: string;
  links: Links;
}) {
  const { groups, x, line, metric } = props;
  const withValue = groups.filter((g) => g.mean !== null);
  const xs = distinct(groups.map((g) => g.values[x] ?? null));
  const lines = line ? distinct(groups.map((g) => g.values[line] ?? null)) : [''];
  const [lo, hi] = extent(withValue.flatMap((g) => [g.mean! - (g.std ?? 0), g.mean! + (g.std ?? 0)]));
  const sy = linear(lo, hi, PLOT.y0, PLOT.y1);
  const ax = valueAxis(xs, PLOT.x0 + 10, PLOT.x1 - 10);
  return (
    <Frame
      title={`${metric} against ${x}${line ? `, one line per ${line}` : ''} (mean ± std)`}
      xLabel={x}
      yLabel={metric}
      xTicks={ax.ticks}
      yTicks={numericTicks(lo, hi, sy)}
      legend={line ? <Legend title={line} entries={lines.map((v, i) => [categorical(i), v])} /> : undefined}
    >
      {lines.map((lv, i) => {
        const pts = withValue.filter((g) => !line || (g.values[line] ?? '') === lv);
        const color = categorical(i);
        const band = [
          ...pts.map((g) => `${ax.at(g.values[x] ?? '')},${sy(g.mean! + (g.std ?? 0))}`),
          ...[...pts].reverse().map((g) => `${ax.at(g.values[x] ?? '')},${sy(g.mean! - (g.std ?? 0))}`),
        ].join(' ');
        return (
          <g>
            <polygon points={band} fill={color} fill-opacity="0.15" stroke="none" />
            <polyline
              points={pts.map((g) => `${ax.at(g.values[x] ?? '')},${sy(g.mean!)}`).join(' ')}
              fill="none"
              stroke={color}
              stroke-width="2"
            />
            {pts.map((g) => (
              <Mark href={hrefOf(props.links, g)} label={describe(g, metric)}>
                <circle cx={ax.at(g.values[x] ?? '')} cy={sy(g.mean!)} r="4.5" fill={color} />
              </Mark>
            ))}
          </g>
        );
      })}
    </Frame>
  );
}

export function Heatmap(props: {
  groups: AggregateGroup[];
  x: string;
  y: string;
  metric: string;
  links: Links;
}) {
  const { groups, x, y, metric } = props;
  const xs = distinct(groups.map((g) => g.values[x] ?? null));
  const ys = distinct(groups.map((g) => g.values[y] ?? null));
  const means = groups.flatMap((g) => (g.mean === null ? [] : [g.mean]));
  const [lo, hi] = means.length ? [Math.min(...means), Math.max(...means)] : [0, 1];
  const t = linear(lo, hi, 0, 1);
  const w = (PLOT.x1 - PLOT.x0) / Math.max(1, xs.length);
  const h = (PLOT.y0 - PLOT.y1) / Math.max(1, ys.length);
  const steps = Array.from({ length: 9 }, (_, i) => lo + ((hi - lo) * (8 - i)) / 8);
  return (
    <Frame
      title={`${metric} (mean) over ${x} and ${y}`}
      xLabel={x}
      yLabel={y}
      xTicks={xs.map((v, i): [number, string] => [PLOT.x0 + w * (i + 0.5), v])}
      yTicks={ys.map((v, i): [number, string] => [PLOT.y0 - h * (i + 0.5), v])}
      legend={<Legend title={metric} entries={steps.map((v) => [viridis(t(v)), formatNumber(v)])} />}
    >
      {groups.map((g) => {
        const [i, j] = [xs.indexOf(g.values[x] ?? ''), ys.indexOf(g.values[y] ?? '')];
        const fill = g.mean === null ? '#ddd' : viridis(t(g.mean));
        return (
          <Mark href={hrefOf(props.links, g)} label={describe(g, metric)}>
            <rect
              x={PLOT.x0 + w * i}
              y={PLOT.y0 - h * (j + 1)}
              width={w}
              height={h}
              fill={fill}
              stroke="#fff"
            />
          </Mark>
        );
      })}
    </Frame>
  );
}

export function Scatter(props: {
  points: ScatterPoint[];
  x: string;
  y: string;
  color?: string | undefined;
  links: Links;
}) {
  const { points, x, y, color } = props;
  const [xlo, xhi] = extent(points.map((p) => p.x));
  const [ylo, yhi] = extent(points.map((p) => p.y));
  const sx = linear(xlo, xhi, PLOT.x0 + 6, PLOT.x1 - 6);
  const sy = linear(ylo, yhi, PLOT.y0 - 6, PLOT.y1 + 6);
  const colors = color ? distinct(points.map((p) => p.color)) : [''];
  return (
    <Frame
      title={`${y} against ${x}${color ? `, coloured by ${color}` : ''} (${points.length} runs)`}
      xLabel={x}
      yLabel={y}
      xTicks={numericTicks(xlo, xhi, sx)}
      yTicks={numericTicks(ylo, yhi, sy)}
      legend={
        color ? <Legend title={color} entries={colors.map((v, i) => [categorical(i), v])} /> : undefined
      }
    >
      {points.map((p) => (
        <Mark
          href={props.links.run(p.index)}
          label={`run ${p.index}: ${x} ${formatNumber(p.x)}, ${y} ${formatNumber(p.y)}${color ? `, ${color}=${p.color}` : ''}`}
        >
          <circle
            cx={sx(p.x)}
            cy={sy(p.y)}
            r="3.5"
            fill={categorical(colors.indexOf(p.color ?? ''))}
            fill-opacity="0.8"
          />
        </Mark>
      ))}
    </Frame>
  );
}
