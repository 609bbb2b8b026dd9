// The three results plots, drawn from what db/results.ts answers: a metric against a parameter
// (one line per value of a second one, a band of ± one std), a heatmap over two parameters,
// and a scatter of two metrics coloured by a parameter. A mark that stands for one run opens
// it; one that aggregates several opens the results table filtered to them. Groups beyond what
// a plot can show are thinned (thin.ts) and the plot's description says how.
import { raw } from 'hono/html';
import type { AggregateGroup, ScatterPoint } from '../../../db/results.ts';
import {
  categorical,
  escapeSvg,
  formatNumber,
  Frame,
  linear,
  markSvg,
  numericTicks,
  PLOT,
  px,
  viridis,
} from './svg.tsx';
import { heatmapCells, MAX_LINE_POINTS, MAX_LINES, pool, spread, thinLine, type Cell } from './thin.ts';

export interface Links {
  run(index: number): string;
  /** The results table filtered to these parameters' values, each from the first to the last. */
  runsIn(span: Record<string, [string, string]>): string;
}

/** At most this many labels on an axis of parameter values (more overlap). */
const MAX_LABELS = 12;

const isNumeric = (values: readonly string[]) =>
  values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
const distinct = (values: Array<string | null>) => [...new Set(values.map((v) => v ?? ''))];
const valueOf = (g: AggregateGroup, name: string) => g.values[name] ?? '';
// One formatter: toLocaleString builds one a call, which thousands of marks feel.
const thousands = new Intl.NumberFormat('en');
const count = (n: number, what: string) => `${thousands.format(n)} ${what}${n === 1 ? '' : 's'}`;

/** Positions of parameter values along an axis: by value when all are numbers, else evenly. */
function valueAxis(values: string[], r0: number, r1: number) {
  if (isNumeric(values) && values.length > 1) {
    const nums = values.map(Number);
    const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
    const scale = linear(lo, hi, r0, r1);
    return { at: (v: string) => scale(Number(v)), ticks: numericTicks(lo, hi, scale) };
  }
  const step = (r1 - r0) / Math.max(1, values.length);
  const position = new Map(values.map((v, i) => [v, r0 + step * (i + 0.5)]));
  const at = (v: string) => position.get(v) ?? r0;
  return { at, ticks: spread(values, MAX_LABELS).map((v): [number, string] => [at(v), v]) };
}

/** Where a mark is: `a=1, b=2`, or `a 1–4` for a block of values. */
function whereOf(span: Record<string, [string, string]>): string {
  return Object.entries(span)
    .map(([k, [first, last]]) => (first === last ? `${k}=${first}` : `${k} ${first}–${last}`))
    .join(', ');
}

const spanOf = (g: AggregateGroup): Record<string, [string, string]> =>
  Object.fromEntries(Object.entries(g.values).map(([k, v]) => [k, [v ?? '', v ?? '']]));

function hrefOf(links: Links, cell: Omit<Cell, 'col' | 'row'>): string {
  return cell.run !== null ? links.run(cell.run) : links.runsIn(cell.span);
}

function describe(cell: Omit<Cell, 'col' | 'row'>, metric: string): string {
  const where = whereOf(cell.span);
  if (cell.count === 0) return `${where}: no ${metric}`;
  const spread = cell.std === null ? '' : ` ± ${formatNumber(cell.std)}`;
  const who =
    cell.run !== null
      ? `run ${cell.run}`
      : `${count(cell.count, 'run')}, min ${formatNumber(cell.min!)}, max ${formatNumber(cell.max!)}`;
  return `${where}: ${metric} ${formatNumber(cell.mean!)}${spread} (${who})`;
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
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

type Valued = AggregateGroup & { mean: number };

export function LinePlot(props: {
  groups: AggregateGroup[];
  x: string;
  line?: string | undefined;
  metric: string;
  links: Links;
}) {
  const { groups, x, line, metric } = props;
  const xs = distinct(groups.map((g) => g.values[x] ?? null));
  const allLines = line ? distinct(groups.map((g) => g.values[line] ?? null)) : [''];
  const lines = spread(allLines, MAX_LINES);
  const byLine = new Map<string, Valued[]>(lines.map((v) => [v, []]));
  for (const g of groups) if (g.mean !== null) byLine.get(line ? valueOf(g, line) : '')?.push(g as Valued);
  const drawn = lines.map((v) => thinLine(byLine.get(v)!));
  const binned = lines.some((v, i) => drawn[i]!.length < byLine.get(v)!.length);
  const [lo, hi] = extent(drawn.flat().flatMap((p) => [p.low, p.high]));
  const sy = linear(lo, hi, PLOT.y0, PLOT.y1);
  const ax = valueAxis(xs, PLOT.x0 + 10, PLOT.x1 - 10);
  const marks = drawn.map((points, i) => {
    const color = categorical(i);
    const at = (p: { group: Valued }, v: number) => `${px(ax.at(valueOf(p.group, x)))},${px(sy(v))}`;
    const band = [...points.map((p) => at(p, p.high)), ...points.toReversed().map((p) => at(p, p.low))];
    const dots = points.map((p) => {
      const one = { ...pool([p.group]), span: spanOf(p.group) };
      return markSvg(
        hrefOf(props.links, one),
        describe(one, metric),
        `<circle cx="${px(ax.at(valueOf(p.group, x)))}" cy="${px(sy(p.group.mean))}" r="4.5" fill="${color}"/>`,
      );
    });
    return (
      `<g><polygon points="${band.join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>` +
      `<polyline points="${points.map((p) => at(p, p.group.mean)).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>` +
      `${dots.join('')}</g>`
    );
  });
  const notes = [
    lines.length < allLines.length
      ? `${lines.length} of the ${allLines.length} values of ${line} are drawn, spread evenly from the first to the last.`
      : '',
    binned
      ? `Lines of more than ${MAX_LINE_POINTS} points are cut into bins of neighbouring ${x} values; each bin shows its groups of lowest and highest mean, and its band spans the bin's lowest mean − std to highest mean + std.`
      : '',
  ].filter(Boolean);
  return (
    <Frame
      title={`${metric} against ${x}${line ? `, one line per ${line}` : ''} (mean ± std)${
        lines.length < allLines.length ? `, ${lines.length} of ${allLines.length} lines` : ''
      }`}
      desc={notes.length ? notes.join(' ') : undefined}
      xLabel={x}
      yLabel={metric}
      xTicks={ax.ticks}
      yTicks={numericTicks(lo, hi, sy)}
      legend={line ? <Legend title={line} entries={lines.map((v, i) => [categorical(i), v])} /> : undefined}
    >
      {raw(marks.join(''))}
    </Frame>
  );
}

/** Labels of an axis of blocks of values: at most MAX_LABELS, each its block's first value. */
function blockTicks(blocks: string[][], at: (i: number) => number): Array<[number, string]> {
  const indexed = blocks.map((block, i): [number, string] => [at(i), block[0]!]);
  return spread(indexed, MAX_LABELS);
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
  const { columns, rows, cells } = heatmapCells(groups, x, y, xs, ys);
  const [lo, hi] = extent(cells.flatMap((c) => (c.mean === null ? [] : [c.mean])));
  const t = linear(lo, hi, 0, 1);
  const w = (PLOT.x1 - PLOT.x0) / Math.max(1, columns.length);
  const h = (PLOT.y0 - PLOT.y1) / Math.max(1, rows.length);
  const steps = Array.from({ length: 9 }, (_, i) => lo + ((hi - lo) * (8 - i)) / 8);
  const marks = cells.map((c) =>
    markSvg(
      hrefOf(props.links, c),
      describe(c, metric),
      `<rect x="${px(PLOT.x0 + w * c.col)}" y="${px(PLOT.y0 - h * (c.row + 1))}" width="${px(w)}" height="${px(h)}" fill="${
        c.mean === null ? '#ddd' : viridis(t(c.mean))
      }" stroke="#fff" stroke-width="${w < 8 || h < 8 ? 0.25 : 1}"/>`,
    ),
  );
  const blocks = columns.length < xs.length || rows.length < ys.length;
  return (
    <Frame
      title={`${metric} (mean) over ${x} and ${y}${blocks ? ` in blocks of ${columns[0]!.length} × ${rows[0]!.length} values` : ''}`}
      desc={
        blocks
          ? `${xs.length} values of ${x} × ${ys.length} of ${y} are more cells than the plot can show: each cell pools the runs of a block of neighbouring values (count, mean, min, max and std of all its runs).`
          : undefined
      }
      xLabel={x}
      yLabel={y}
      xTicks={blockTicks(columns, (i) => PLOT.x0 + w * (i + 0.5))}
      yTicks={blockTicks(rows, (i) => PLOT.y0 - h * (i + 0.5))}
      legend={<Legend title={metric} entries={steps.map((v) => [viridis(t(v)), formatNumber(v)])} />}
    >
      {raw(marks.join(''))}
    </Frame>
  );
}

export function Scatter(props: {
  points: ScatterPoint[];
  x: string;
  y: string;
  color?: string | undefined;
  links: Links;
  /** The most points asked for: when `points` has as many, they are the series' first runs. */
  limit: number;
}) {
  const { points, x, y, color } = props;
  const [xlo, xhi] = extent(points.map((p) => p.x));
  const [ylo, yhi] = extent(points.map((p) => p.y));
  const sx = linear(xlo, xhi, PLOT.x0 + 6, PLOT.x1 - 6);
  const sy = linear(ylo, yhi, PLOT.y0 - 6, PLOT.y1 + 6);
  const colors = color ? distinct(points.map((p) => p.color)) : [''];
  const colorOf = new Map(colors.map((v, i) => [v, categorical(i)]));
  const marks = points.map((p) =>
    markSvg(
      props.links.run(p.index),
      `run ${p.index}: ${x} ${formatNumber(p.x)}, ${y} ${formatNumber(p.y)}${color ? `, ${color}=${p.color}` : ''}`,
      `<circle cx="${px(sx(p.x))}" cy="${px(sy(p.y))}" r="3.5" fill="${escapeSvg(colorOf.get(p.color ?? '')!)}" fill-opacity="0.8"/>`,
    ),
  );
  const capped = points.length >= props.limit;
  return (
    <Frame
      title={`${y} against ${x}${color ? `, coloured by ${color}` : ''} (${
        capped ? `the first ${count(points.length, 'run')} by index` : count(points.length, 'run')
      })`}
      desc={
        capped
          ? `Only the first ${count(props.limit, 'run')} with both metrics are drawn; filter the results to see others.`
          : undefined
      }
      xLabel={x}
      yLabel={y}
      xTicks={numericTicks(xlo, xhi, sx)}
      yTicks={numericTicks(ylo, yhi, sy)}
      legend={
        color ? <Legend title={color} entries={colors.map((v, i) => [categorical(i), v])} /> : undefined
      }
    >
      {raw(marks.join(''))}
    </Frame>
  );
}
