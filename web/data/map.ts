// The parameter map: runs laid out on a grid over two varied parameters, the others held at
// chosen values. Each cell's run index comes from the sweep's own numbering (indexOfValues:
// linked parameters and exclusions make it more than strides), so the grid is read by
// primary key, never by scanning the series' runs.
import type { Database } from '../../db/client.ts';
import { runsAt } from '../../db/runs.ts';
import { indexOfValues, type Sweep } from '../../sweep/index.ts';
import { RUN_STATES } from '../../core/states.ts';

export const MAX_COLUMNS = 200;
export const MAX_CELLS = 10_000;

export interface MapAxis {
  name: string;
  values: string[];
}

export interface MapQuery {
  x?: string;
  y?: string;
  /** Value index of each other parameter; 0 when absent. */
  fixed?: Record<string, number>;
  metric?: string;
}

export interface MapData {
  parameters: MapAxis[];
  x: MapAxis | null;
  y: MapAxis | null;
  fixed: Record<string, number>;
  metric: string | null;
  columns: number;
  rows: number;
  /**
   * Run index of each cell, row-major; null where the sweep has no such combination (an
   * excluded one, or two linked parameters at different positions).
   */
  indices: Array<number | null>;
  /**
   * One character per cell, row-major: the position of its run's state in RUN_STATES
   * ('0' pending … '5' cancelled), or '-' when there is no such run. Compact: 10,000 cells
   * are 10 KB, not a megabyte of objects.
   */
  states: string;
  /** The chosen metric per cell (null when absent), or null when colouring by state. */
  values: Array<number | string | null> | null;
  /** True when the grid was cut to MAX_COLUMNS × (MAX_CELLS / columns). */
  truncated: boolean;
}

export class MapQueryError extends Error {
  override name = 'MapQueryError';
}

/** The run indices of the grid, row-major, and the grid's shape. */
export function mapLayout(sweep: Sweep, query: MapQuery) {
  const params = sweep.parameters;
  const names = params.map((p) => p.name);
  for (const axis of [query.x, query.y]) {
    if (axis !== undefined && !names.includes(axis)) throw new MapQueryError(`no varied parameter named ${axis}`);
  }
  const x = query.x ?? names[0];
  const y = query.y ?? names.find((n) => n !== x);
  if (x !== undefined && x === y) throw new MapQueryError('choose two different parameters');
  const fixed: Record<string, number> = {};
  // The value index of every parameter; the axes' entries change per cell.
  const position = params.map((p) => {
    if (p.name === x || p.name === y) return 0;
    const chosen = query.fixed?.[p.name] ?? 0;
    const at = Number.isInteger(chosen) && chosen >= 0 && chosen < p.values.length ? chosen : 0;
    fixed[p.name] = at;
    return at;
  });
  const xi = x === undefined ? -1 : names.indexOf(x);
  const yi = y === undefined ? -1 : names.indexOf(y);
  const xCount = xi < 0 ? 1 : params[xi]!.values.length;
  const yCount = yi < 0 ? 1 : params[yi]!.values.length;
  const columns = Math.min(xCount, MAX_COLUMNS);
  const rows = Math.min(yCount, Math.floor(MAX_CELLS / columns));
  const indices: Array<number | null> = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (xi >= 0) position[xi] = c;
      if (yi >= 0) position[yi] = r;
      const index = indexOfValues(sweep, position);
      // (bigint only past 2^53 combinations: no series has that many runs.)
      indices.push(index === null ? null : Number(index));
    }
  }
  return {
    x: xi < 0 ? null : { name: params[xi]!.name, values: [...params[xi]!.values].slice(0, columns) },
    y: yi < 0 ? null : { name: params[yi]!.name, values: [...params[yi]!.values].slice(0, rows) },
    fixed,
    columns,
    rows,
    indices,
    truncated: columns < xCount || rows < yCount,
  };
}

export async function mapData(db: Database, seriesId: string, sweep: Sweep, query: MapQuery): Promise<MapData> {
  const layout = mapLayout(sweep, query);
  const metric = query.metric || null;
  const found = await runsAt(
    db,
    seriesId,
    layout.indices.filter((index): index is number => index !== null),
    metric,
  );
  const cellOf = new Map(layout.indices.map((index, i) => [index, i]));
  const states = new Array<string>(layout.indices.length).fill('-');
  const values = metric === null ? null : new Array<number | string | null>(layout.indices.length).fill(null);
  for (const row of found) {
    const i = cellOf.get(row.index);
    if (i === undefined) continue;
    states[i] = String(RUN_STATES.indexOf(row.state));
    if (values) values[i] = metricValue(row.value);
  }
  return {
    parameters: sweep.parameters.map((p) => ({ name: p.name, values: [...p.values] })),
    x: layout.x,
    y: layout.y,
    fixed: layout.fixed,
    metric,
    columns: layout.columns,
    rows: layout.rows,
    indices: layout.indices,
    states: states.join(''),
    values,
    truncated: layout.truncated,
  };
}

function metricValue(text: string | null): number | string | null {
  if (text === null) return null;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}
