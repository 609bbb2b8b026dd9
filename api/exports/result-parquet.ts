// Results as Parquet (hyparquet-writer), one row group per page of rows: the writer's buffer
// is handed on and emptied after each row group, so memory holds one page, not the export.
// Types: index and exit code INT32, state and text columns UTF-8 strings, numbers DOUBLE,
// times INT64 timestamps in milliseconds adjusted to UTC (pyarrow: timestamp[ms, tz=UTC]).
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { ResultRow } from '../../db/results.ts';
import type { ColumnKind, ExportColumn } from './result-columns.ts';

const ELEMENTS: Record<ColumnKind, Omit<SchemaElement, 'name' | 'repetition_type'>> = {
  int: { type: 'INT32' },
  double: { type: 'DOUBLE' },
  text: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  timestamp: { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
};

/** The Parquet schema of the columns (exported for bench/exports.ts' baseline). */
export function parquetSchema(columns: readonly ExportColumn[]): SchemaElement[] {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map((c): SchemaElement => ({
      name: c.name,
      ...ELEMENTS[c.kind],
      repetition_type: c.required ? 'REQUIRED' : 'OPTIONAL',
    })),
  ];
}

export async function* parquetChunks(
  columns: readonly ExportColumn[],
  pages: AsyncIterable<ResultRow[]>,
  metadata: Record<string, string> = {},
): AsyncGenerator<Uint8Array> {
  const writer = new ByteWriter();
  const ready: Uint8Array[] = [];
  const take = () => {
    // A copy: the writer reuses its buffer from the start once emptied.
    ready.push(new Uint8Array(writer.buffer.slice(0, writer.index)));
    writer.index = 0;
  };
  // The writer calls flush after each row group (ByteWriter has none: it keeps everything).
  Object.assign(writer, { flush: take });
  const parquet = new ParquetWriter({
    writer,
    schema: parquetSchema(columns),
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    createdBy: 'tuplet',
  });
  for await (const rows of pages) {
    const columnData = columns.map((c) => ({ name: c.name, data: rows.map(c.value) }));
    await parquet.write({ columnData, rowGroupSize: rows.length });
    yield* ready.splice(0);
  }
  await parquet.finish();
  take();
  yield* ready.splice(0);
}
