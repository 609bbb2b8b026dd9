// Results as CSV or JSON Lines, encoded a page at a time: the caller streams the chunks.
// CSV cells go through the web's CSV writer (quoting, and neutralising cells a spreadsheet would
// run as formulas); JSON Lines keep the column kinds: numbers as numbers, times as ISO 8601.
import type { ResultRow } from '../../db/results.ts';
import { csvLine } from '../../web/csv-export.ts';
import type { CellValue, ExportColumn } from './result-columns.ts';

const iso = (value: CellValue) => (value instanceof Date ? value.toISOString() : value);

export async function* csvChunks(
  columns: readonly ExportColumn[],
  pages: AsyncIterable<ResultRow[]>,
): AsyncGenerator<string> {
  yield csvLine(columns.map((c) => c.name));
  for await (const rows of pages) {
    yield rows.map((row) => csvLine(columns.map((c) => (c.text ? c.text(row) : iso(c.value(row)))))).join('');
  }
}

export async function* jsonLinesChunks(
  columns: readonly ExportColumn[],
  pages: AsyncIterable<ResultRow[]>,
): AsyncGenerator<string> {
  for await (const rows of pages) {
    yield rows
      .map(
        (row) => `${JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, iso(c.value(row))])))}\n`,
      )
      .join('');
  }
}
