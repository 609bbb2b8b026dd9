// Fewer marks than groups. A series of 1,000,000 runs over two parameters of 100 values has
// 10,000 groups, and a plot drawn on the server pays for every mark twice: building the markup
// (about 0.4 s and 4 MB for 10,000 linked, titled marks) and the browser's layout. What each plot
// keeps, so that the figure still says what every group says:
// - a line plot draws at most MAX_LINES lines (as many as the palette tells apart), values of
//   the line parameter spread evenly from the first to the last; a line of more than
//   MAX_LINE_POINTS x values is cut into LINE_BINS bins of neighbouring x values, each keeping its
//   groups of lowest and highest mean (the line's envelope is exact) and a band from the bin's
//   lowest mean − std to its highest mean + std;
// - a heatmap of more than MAX_CELLS columns or rows draws blocks of neighbouring values, each the
//   exact count, mean, min, max and std of its groups' runs.
// Every mark kept is a real group (or a block of them): hover names it, a click opens its runs.
import type { AggregateGroup } from '../../../db/results.ts';

export const MAX_LINES = 8;
export const MAX_LINE_POINTS = 120;
export const LINE_BINS = 60;
export const MAX_CELLS = 40;

/** `k` of `values` spread evenly, the first and the last included (all of them when few). */
export function spread<T>(values: readonly T[], k: number): T[] {
  if (values.length <= k) return [...values];
  if (k <= 1) return values.slice(0, k);
  return Array.from({ length: k }, (_, i) => values[Math.round((i * (values.length - 1)) / (k - 1))]!);
}

/** `items` cut into at most `bins` runs of neighbours of equal size (the last may be shorter). */
export function binsOf<T>(items: readonly T[], bins: number): T[][] {
  const size = Math.max(1, Math.ceil(items.length / bins));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A point drawn on a line: its group, and the band around it (its bin's when binned). */
export interface LinePoint {
  group: AggregateGroup & { mean: number };
  low: number;
  high: number;
}

const bandOf = (g: AggregateGroup & { mean: number }) => ({
  group: g,
  low: g.mean - (g.std ?? 0),
  high: g.mean + (g.std ?? 0),
});

/** A line's points (groups with a mean, in x order), binned when there are too many. */
export function thinLine(points: Array<AggregateGroup & { mean: number }>): LinePoint[] {
  if (points.length <= MAX_LINE_POINTS) return points.map(bandOf);
  return binsOf(points, LINE_BINS).flatMap((bin) => {
    let [lowest, highest] = [bin[0]!, bin[0]!];
    let [low, high] = [Infinity, -Infinity];
    for (const g of bin) {
      if (g.mean < lowest.mean) lowest = g;
      if (g.mean > highest.mean) highest = g;
      const band = bandOf(g);
      low = Math.min(low, band.low);
      high = Math.max(high, band.high);
    }
    const kept =
      lowest === highest
        ? [lowest]
        : bin.indexOf(lowest) < bin.indexOf(highest)
          ? [lowest, highest]
          : [highest, lowest];
    return kept.map((group) => ({ group, low, high }));
  });
}

/** The statistics of a group's runs, or of several groups' runs pooled. */
export type Stats = Omit<AggregateGroup, 'values'>;

/** A heatmap cell: one group, or a block of neighbouring values' groups pooled. */
export interface Cell extends Stats {
  col: number;
  row: number;
  /** The first and last value of each parameter the cell covers (equal for a single value). */
  span: Record<string, [string, string]>;
}

/**
 * The groups pooled into one: exact count, mean, min and max; the sample std from the groups'
 * own (the within-group sums of squares plus the spread of the group means around the mean).
 */
export function pool(groups: readonly AggregateGroup[]): Stats {
  const valued = groups.filter((g) => g.count > 0 && g.mean !== null);
  const count = valued.reduce((n, g) => n + g.count, 0);
  if (count === 0) return { count: 0, mean: null, min: null, max: null, std: null, run: null };
  if (valued.length === 1) {
    const g = valued[0]!;
    return { count, mean: g.mean, min: g.min, max: g.max, std: g.std, run: g.run };
  }
  const mean = valued.reduce((s, g) => s + g.mean! * g.count, 0) / count;
  const squares = valued.reduce(
    (s, g) => s + (g.count - 1) * (g.std ?? 0) ** 2 + g.count * (g.mean! - mean) ** 2,
    0,
  );
  return {
    count,
    mean,
    min: Math.min(...valued.map((g) => g.min!)),
    max: Math.max(...valued.map((g) => g.max!)),
    std: count > 1 ? Math.sqrt(squares / (count - 1)) : null,
    run: null,
  };
}

/** The heatmap's columns and rows (blocks of values) and its cells, blocks when too many. */
export function heatmapCells(
  groups: readonly AggregateGroup[],
  x: string,
  y: string,
  xs: readonly string[],
  ys: readonly string[],
): { columns: string[][]; rows: string[][]; cells: Cell[] } {
  const columns = binsOf(xs, MAX_CELLS);
  const rows = binsOf(ys, MAX_CELLS);
  const where = (blocks: string[][]) => {
    const at = new Map<string, number>();
    blocks.forEach((block, i) => block.forEach((v) => at.set(v, i)));
    return at;
  };
  const [colOf, rowOf] = [where(columns), where(rows)];
  const byCell = new Map<number, AggregateGroup[]>();
  for (const g of groups) {
    const key = colOf.get(g.values[x] ?? '')! * rows.length + rowOf.get(g.values[y] ?? '')!;
    const list = byCell.get(key);
    if (list) list.push(g);
    else byCell.set(key, [g]);
  }
  const cells = [...byCell].map(([key, members]): Cell => {
    const [col, row] = [Math.floor(key / rows.length), key % rows.length];
    const [column, rowValues] = [columns[col]!, rows[row]!];
    return {
      col,
      row,
      span: {
        [x]: [column[0]!, column.at(-1)!],
        [y]: [rowValues[0]!, rowValues.at(-1)!],
      },
      ...pool(members),
    };
  });
  return { columns, rows, cells };
}
