// CSV for previews: a small RFC 4180 reader (quotes, doubled quotes, CRLF) and the choice
// of what to plot — numeric columns against the first numeric column (or the row number).
// The text is the first bytes of a run's output: rows and columns are capped and the
// deadline is checked as it goes, so no file makes the table or the work unbounded.
import { NO_DEADLINE, type Deadline } from './budget.ts';

export interface CsvLimits {
  /** Rows kept at most (default 5000). */
  maxRows?: number;
  /** Columns kept per row at most; later fields are dropped (default 100). */
  maxColumns?: number;
  deadline?: Deadline;
}

export const CSV_MAX_COLUMNS = 100;
/** Characters parsed between two looks at the deadline. */
const CHECK_EVERY = 1 << 16;

export function parseCsv(text: string, limits: CsvLimits = {}): string[][] {
  const { maxRows = 5000, maxColumns = CSV_MAX_COLUMNS, deadline = NO_DEADLINE } = limits;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const delimiter = guessDelimiter(text);
  const endField = () => {
    if (row.length < maxColumns) row.push(field);
    field = '';
  };
  while (i < text.length && rows.length < maxRows) {
    if (i % CHECK_EVERY === 0) deadline.check();
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else field += ch;
    i++;
  }
  if ((field !== '' || row.length > 0) && rows.length < maxRows) {
    endField();
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function guessDelimiter(text: string): string {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 1 ? counts[0]![0] : ',';
}

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

export interface PlotData {
  xLabel: string;
  series: Array<{ name: string; points: Array<[number, number]> }>;
}

/** What to draw: up to 6 numeric columns against the first numeric column, or the row number. */
export function plotOf(rows: string[][], maxPoints = 2000): PlotData | undefined {
  if (rows.length < 3) return undefined;
  const hasHeader = !rows[0]!.every(isNumber);
  const header = hasHeader ? rows[0]! : rows[0]!.map((_, i) => `column ${i + 1}`);
  const body = (hasHeader ? rows.slice(1) : rows).slice(0, maxPoints);
  const numeric = header
    .map((_, c) => c)
    .filter(
      (c) =>
        body.every((r) => r[c] === undefined || r[c] === '' || isNumber(r[c]!)) &&
        body.some((r) => isNumber(r[c] ?? '')),
    );
  if (numeric.length === 0) return undefined;
  const useIndex = numeric.length === 1;
  const xCol = useIndex ? -1 : numeric[0]!;
  const yCols = (useIndex ? numeric : numeric.slice(1)).slice(0, 6);
  return {
    xLabel: useIndex ? 'row' : header[xCol]!,
    series: yCols.map((c) => ({
      name: header[c]!,
      points: body.flatMap((r, i): Array<[number, number]> => {
        const y = r[c];
        const x = useIndex ? i : Number(r[xCol]);
        return y !== undefined && isNumber(y) && Number.isFinite(x) ? [[x, Number(y)]] : [];
      }),
    })),
  };
}
