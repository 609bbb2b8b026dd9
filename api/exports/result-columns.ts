// The flat columns of a results export (CSV, JSON Lines, Parquet): the run's index, state,
// exit code and times, then each varied parameter and each metric. A column's kind is fixed for
// the whole export from db/results-export.ts exportFields: a parameter or metric is a number
// only when every value of it is one, else text — so pandas and pyarrow read one type per column.
import type { ExportFields } from '../../db/results-export.ts';
import type { ResultRow } from '../../db/results.ts';

export type ColumnKind = 'int' | 'double' | 'text' | 'timestamp';
export type CellValue = number | string | Date | null;

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
  /** Never null (index, state). */
  required: boolean;
  value: (row: ResultRow) => CellValue;
  /** The value as written when it differs from value's text: a parameter's `0.50` stays `0.50` in CSV. */
  text?: (row: ResultRow) => string | null;
}

const RUN_COLUMNS: ExportColumn[] = [
  { name: 'index', kind: 'int', required: true, value: (r) => r.index },
  { name: 'state', kind: 'text', required: true, value: (r) => r.state },
  { name: 'exit_code', kind: 'int', required: false, value: (r) => r.exitCode ?? null },
  { name: 'started_at', kind: 'timestamp', required: false, value: (r) => r.startedAt ?? null },
  { name: 'ended_at', kind: 'timestamp', required: false, value: (r) => r.endedAt ?? null },
];

/** A metric value as text when its column is text: strings as they are, anything else as JSON. */
function metricText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The export's columns. A parameter or metric whose name is already taken (a parameter called
 * `state`, a metric named like a parameter) gets a `param:` or `metric:` prefix.
 */
export function exportColumns(fields: ExportFields): ExportColumn[] {
  const columns = [...RUN_COLUMNS];
  const taken = new Set(columns.map((c) => c.name));
  const unique = (name: string, prefix: string) => {
    const chosen = taken.has(name) ? `${prefix}:${name}` : name;
    taken.add(chosen);
    return chosen;
  };
  for (const { name, numeric } of fields.parameters) {
    const text = (r: ResultRow) => r.params[name] ?? null;
    columns.push({
      name: unique(name, 'param'),
      kind: numeric ? 'double' : 'text',
      required: false,
      value: numeric ? (r) => (r.params[name] === undefined ? null : Number(r.params[name])) : text,
      text,
    });
  }
  for (const { name, numeric } of fields.metrics) {
    const raw = (r: ResultRow) => r.metrics?.[name];
    columns.push({
      name: unique(name, 'metric'),
      kind: numeric ? 'double' : 'text',
      required: false,
      value: numeric
        ? (r) => {
            const v = raw(r);
            return typeof v === 'number' ? v : null;
          }
        : (r) => metricText(raw(r)),
    });
  }
  return columns;
}
