// `npm run bench -- storage-memory [MiB]`: this process's peak RSS growth while one run's output
// of 1 GiB (default; generated on disk once, never committed) is collected from the local host
// (hosts/collect.ts: `tar -c` on the host, streamed into storage with its sha256 taken on the
// way) and then downloaded (files/serve.ts, whole and by Range) — the work of a host worker and
// of the API — into S3 (moto, test/support/s3-server.ts) against the same on disk storage as
// the baseline. Flat means: far below the output's size, and about the disk's. Prints one JSON
// line like the other benches; the ratio is S3's peak growth over the disk's.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { serveStoredObject } from '../files/serve.ts';
import { DiskStorage } from '../files/storage/disk.ts';
import { generatedStream, measurePeakRss, printPeakRssRatio } from './_memory.ts';
import { S3Storage } from '../files/storage/s3.ts';
import type { Storage } from '../files/storage/types.ts';
import { collectChunk } from '../hosts/collect.ts';
import { LocalTransport } from '../hosts/local-transport.ts';
import { startS3Server } from '../test/support/s3-server.ts';

const mib = Number(process.argv[2] ?? 1024);
const SERIES = 'benchseries';
const RUN_DIR = '0_size=big';
const CHUNK = Buffer.alloc(1024 ** 2);
for (let i = 0; i < CHUNK.length; i++) CHUNK[i] = (i * 31 + (i >> 10)) & 0xff;

const generated = () => generatedStream(mib, CHUNK);
const measure = measurePeakRss;

/** Collects the run's output into `storage`, then downloads it whole and its second half by Range. */
async function collectAndDownload(storage: Storage, seriesDir: string): Promise<void> {
  const collected = await collectChunk(new LocalTransport(), seriesDir, { offset: 0, length: 1 }, storage, {
    seriesId: SERIES,
  });
  if (collected.bytes < mib * 1024 ** 2) throw new Error(`collected ${collected.bytes} bytes only`);
  const key = `${SERIES}/runs/${RUN_DIR}/big.bin`;
  for (const range of [undefined, `bytes=${(mib * 1024 ** 2) / 2}-`]) {
    const response = await serveStoredObject(storage, key, range);
    let received = 0;
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read())
      received += read.value.length;
    const expected = range ? (mib * 1024 ** 2) / 2 : mib * 1024 ** 2;
    if (received !== expected) throw new Error(`downloaded ${received} of ${expected} bytes`);
  }
}

const work = await mkdtemp(path.join(os.tmpdir(), 'tuplet-bench-storage-'));
const server = await startS3Server('tuplet-bench');
const s3 = new S3Storage(server.options('bench'));
try {
  // The host's side: a series directory with one run whose output is the big file.
  const seriesDir = path.join(work, 'host', SERIES);
  await mkdir(path.join(seriesDir, 'runs', RUN_DIR, '.tuplet'), { recursive: true });
  await writeFile(path.join(seriesDir, 'tuples.tsv'), `0\t${RUN_DIR}\n`);
  await writeFile(path.join(seriesDir, 'runs', RUN_DIR, '.tuplet', 'exit'), '0\n');
  await pipeline(generated(), createWriteStream(path.join(seriesDir, 'runs', RUN_DIR, 'big.bin')));

  const disk = new DiskStorage(path.join(work, 'storage'));
  const baseline = await measure(() => collectAndDownload(disk, seriesDir));
  await rm(path.join(work, 'storage'), { recursive: true, force: true });
  const ours = await measure(() => collectAndDownload(s3, seriesDir));
  printPeakRssRatio({
    bench: 'storage-memory',
    n: mib,
    ours: { what: 'collect + download (whole and by Range) through S3', measured: ours },
    baseline: { what: 'the same on disk storage', measured: baseline },
    more: { output_mib: mib },
  });
} finally {
  s3.close();
  await server.stop();
  await rm(work, { recursive: true, force: true });
}
