// `npm run bench -- exports [N]`: memory of the Parquet results export of an N-run series
// (default 100,000: 100 × 1,000, two metrics, seeded in PGlite; DATABASE_URL: PostgreSQL),
// streamed as the API does it (pages of 5,000 from resultsPage, one row group each), against
// the baseline of every row read first and written with parquetWriteBuffer in one go. The
// figure that matters is the peak growth of the JavaScript heap (heapUsed + arrayBuffers, sampled
// every 20 ms) over its start: RSS is reported too, but PGlite's WebAssembly memory grows on the
// first large query and never shrinks, so a warm-up export runs first and RSS mostly shows that
// (run with `node --expose-gc` for steadier figures). Prints one JSON line like the other
// benches; the ratio is ours' peak heap growth over the baseline's.
import { parquetWriteBuffer } from 'hyparquet-writer';
import { exportColumns } from '../api/exports/result-columns.ts';
import { parquetChunks, parquetSchema } from '../api/exports/result-parquet.ts';
import { createUser } from '../db/accounts.ts';
import { openDatabase } from '../db/client.ts';
import { exportFields, exportPages } from '../db/results-export.ts';
import type { ResultNames, ResultRow } from '../db/results.ts';
import { seedHostAndApplication, seedSeries } from '../test/browser/support/seed.ts';

const n = Number(process.argv[2] ?? 100_000);
const perA = 1000;
const INI = `[model]\na = 1...1...${Math.max(1, Math.ceil(n / perA))}\nb = 1...1...${perA}\n`;

const heap = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Runs `work`, sampling memory every 20 ms; answers the peak growths in MiB and the seconds taken. */
async function measure(work: () => Promise<number>) {
  global.gc?.();
  const start = { heap: heap(), rss: process.memoryUsage.rss() };
  const peak = { ...start };
  const sample = () => {
    peak.heap = Math.max(peak.heap, heap());
    peak.rss = Math.max(peak.rss, process.memoryUsage.rss());
  };
  const sampler = setInterval(sample, 20);
  const began = performance.now();
  const bytes = await work();
  clearInterval(sampler);
  sample();
  const mib = (x: number) => Math.round(x / 1024 ** 2);
  return {
    heapMiB: mib(peak.heap - start.heap),
    rssMiB: mib(peak.rss - start.rss),
    seconds: Number(((performance.now() - began) / 1000).toFixed(2)),
    bytes,
  };
}

const handle = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {});
const { db } = handle;
try {
  const owner = await createUser(db, { name: 'bench', role: 'admin' });
  await seedHostAndApplication(db, '/tmp/tuplet-bench-exports');
  const seedStart = performance.now();
  const { id, count } = await seedSeries(db, {
    ownerId: owner.id,
    ini: INI,
    description: 'exports bench',
    state: 'completed',
    metrics: (v, i) => ({
      period: Number(v['model.a']) * 0.7 + Number(v['model.b']) * 0.3,
      note: `run ${i}`,
    }),
  });
  console.log(`seeded ${count} runs in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const names: ResultNames = { parameters: ['model.a', 'model.b'], metrics: ['period', 'note'] };
  const columns = exportColumns(await exportFields(db, id, names, undefined));

  const streamed = async () => {
    let bytes = 0;
    for await (const chunk of parquetChunks(columns, exportPages(db, id, names, undefined)))
      bytes += chunk.length;
    return bytes;
  };
  await streamed(); // warm-up: PGlite's memory and the JIT, paid by neither side below
  const ours = await measure(streamed);
  // Baseline: what a naive export does, every row in memory, then the file built whole.
  const baseline = await measure(async () => {
    const rows: ResultRow[] = [];
    for await (const page of exportPages(db, id, names, undefined)) rows.push(...page);
    const buffer = parquetWriteBuffer({
      columnData: columns.map((c) => ({ name: c.name, data: rows.map(c.value) })),
      schema: parquetSchema(columns),
      rowGroupSize: rows.length,
    });
    return buffer.byteLength;
  });
  process.stdout.write(
    `${JSON.stringify({
      bench: 'exports',
      n: count,
      ours: 'Parquet export streamed, a row group per page of 5,000 rows',
      ours_peak_heap_mib: ours.heapMiB,
      ours_peak_rss_mib: ours.rssMiB,
      ours_s: ours.seconds,
      ours_bytes: ours.bytes,
      baseline: 'every row read, then parquetWriteBuffer of the whole',
      baseline_peak_heap_mib: baseline.heapMiB,
      baseline_peak_rss_mib: baseline.rssMiB,
      baseline_s: baseline.seconds,
      baseline_bytes: baseline.bytes,
      ratio: Number((ours.heapMiB / Math.max(1, baseline.heapMiB)).toFixed(3)),
    })}\n`,
  );
} finally {
  await handle.close();
}
