// The parameter map: runs laid out on a grid over two varied parameters, the others held at
// chosen values. Run indices come from the sweep's mixed radix (last parameter fastest), so
// the grid is read by primary key, never by scanning the series' runs.
import type { Database } from '../../db/client.ts';
import { runsAt } from '../../db/runs.ts';
import type { Sweep } from '../../sweep/index.ts';
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
  /** Run index of the cell in row r, column c: base + c × strideX + r × strideY. */
  base: number;
  strideX: number;
  strideY: number;
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
  // stride of parameter p = product of the value counts of the parameters after it.
  const strides: number[] = new Array<number>(params.length).fill(1);
  for (let p = params.length - 2; p >= 0; p--) strides[p] = strides[p + 1]! * params[p + 1]!.values.length;
  const fixed: Record<string, number> = {};
  let base = 0;
  params.forEach((p, i) => {
    if (p.name === x || p.name === y) return;
    const chosen = query.fixed?.[p.name] ?? 0;
    const at = Number.isInteger(chosen) && chosen >= 0 && chosen < p.values.length ? chosen : 0;
    fixed[p.name] = at;
    base += at * strides[i]!;
  });
  const xi = x === undefined ? -1 : names.indexOf(x);
  const yi = y === undefined ? -1 : names.indexOf(y);
  const xCount = xi < 0 ? 1 : params[xi]!.values.length;
  const yCount = yi < 0 ? 1 : params[yi]!.values.length;
  const columns = Math.min(xCount, MAX_COLUMNS);
  const rows = Math.min(yCount, Math.floor(MAX_CELLS / columns));
  const indices: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      indices.push(base + (xi < 0 ? 0 : c * strides[xi]!) + (yi < 0 ? 0 : r * strides[yi]!));
    }
  }
  return {
    base,
    strideX: xi < 0 ? 0 : strides[xi]!,
    strideY: yi < 0 ? 0 : strides[yi]!,
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
  const found = await runsAt(db, seriesId, layout.indices, metric);
  const position = new Map(layout.indices.map((index, i) => [index, i]));
  const states = new Array<string>(layout.indices.length).fill('-');
  const values = metric === null ? null : new Array<number | string | null>(layout.indices.length).fill(null);
  for (const row of found) {
    const i = position.get(row.index);
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
    base: layout.base,
    strideX: layout.strideX,
    strideY: layout.strideY,
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
