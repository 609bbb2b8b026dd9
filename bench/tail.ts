// `npm run bench -- tail [N] [disk|s3|both]`: the tail of a series of N (2,000) runs — collect,
// file index, archive — without the runs themselves, in this process: a tar stream of N run
// folders as a run of `true` leaves them (its records and one small output) is stored through
// storeRunOutputs (collect), then indexChunkFiles (PGlite) and archiveSeriesFiles run on it,
// on disk storage (the baseline) and on moto (test/support/s3-server.ts). Prints seconds per
// step and one JSON line; the ratio is S3's tail over the disk's. Use `node --cpu-prof` to see
// where a step spends its time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { archiveSeriesFiles, indexChunkFiles } from '../activities/control/files.ts';
import { createUser } from '../db/accounts.ts';
import { runDirsIn } from '../db/runs.ts';
import { DiskStorage } from '../files/storage/disk.ts';
import { S3Storage } from '../files/storage/s3.ts';
import type { Storage } from '../files/storage/types.ts';
import { storeRunOutputs } from '../hosts/collect.ts';
import { tarStream, type TarEntry } from '../hosts/tar-pack.ts';
import { openTestDatabase } from '../test/support/database.ts';
import { startS3Server } from '../test/support/s3-server.ts';
import { seedHostAndApplication, seedSeries } from '../test/browser/support/seed.ts';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 2000);
const which = args.find((a) => ['disk', 's3', 'both'].includes(a)) ?? 'both';

/** What a run of `true` leaves in its folder, plus one output. */
function* runFolders(dirs: readonly string[]): Generator<TarEntry> {
  for (const [index, dir] of dirs.entries()) {
    yield { path: `${dir}/out.txt`, data: `output of run ${index}\n` };
    for (const record of ['started', 'ended', 'exit', 'attempt', 'stdout', 'stderr'])
      yield { path: `${dir}/.tuplet/${record}`, data: record === 'exit' ? '0\n' : `${record} ${index}\n` };
  }
}

async function timed<T>(what: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await what();
  return [result, +((performance.now() - start) / 1000).toFixed(2)];
}

async function measure(label: string, storage: Storage) {
  const database = await openTestDatabase('pglite');
  try {
    const { db } = database;
    const owner = await createUser(db, { name: `tail-${label}`, role: 'admin' });
    await seedHostAndApplication(db, path.join(tmpdir(), 'tail-work'));
    const { id } = await seedSeries(db, {
      ownerId: owner.id,
      ini: `i = 0...1...${n - 1}\n`,
      description: `bench tail ${label}`,
      state: 'running',
    });
    const ranges: Array<[number, number]> = [[0, n]];
    const dirs = (await runDirsIn(db, id, ranges)).map((run) => run.dir);
    const [collected, collect_s] = await timed(() =>
      storeRunOutputs(tarStream(runFolders(dirs)), storage, id, ranges),
    );
    if (collected.runs !== n) throw new Error(`${collected.runs} runs collected, not ${n}`);
    const [indexed, index_s] = await timed(() => indexChunkFiles(db, storage, id, ranges));
    if (indexed.files !== 7 * n) throw new Error(`${indexed.files} files indexed, not ${7 * n}`);
    const [archive, archive_s] = await timed(() => archiveSeriesFiles(db, storage, id));
    const figures = { collect_s, index_s, archive_s, tail_s: +(collect_s + index_s + archive_s).toFixed(2) };
    process.stdout.write(
      `tail ${label}: ${n} runs, ${indexed.files} files: collect ${collect_s} s, index ${index_s} s, ` +
        `archive ${archive_s} s (${archive.size} bytes)\n`,
    );
    return figures;
  } finally {
    await database.close();
  }
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
if (which !== 's3') {
  const root = await mkdtemp(path.join(tmpdir(), 'tuplet-bench-tail-'));
  try {
    results.disk = await measure('disk', new DiskStorage(root));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
if (which !== 'disk') {
  const server = await startS3Server('tuplet-bench-tail');
  const storage = new S3Storage(server.options('tail'));
  try {
    results.s3 = await measure('S3', storage);
  } finally {
    storage.close();
    await server.stop();
  }
}
process.stdout.write(
  `${JSON.stringify({
    bench: 'tail',
    n,
    ours: 'collect + index + archive on S3 (moto)',
    ours_s: results.s3?.tail_s ?? null,
    baseline: 'the same on disk storage',
    baseline_s: results.disk?.tail_s ?? null,
    ratio: results.s3 && results.disk ? +(results.s3.tail_s / results.disk.tail_s).toFixed(3) : null,
    ...results,
  })}\n`,
);
// The SDK's and PGlite's handles would keep the process up after the figures are printed.
process.exit(0);
