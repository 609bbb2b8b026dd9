// `npm run bench -- s3 [MiB]`: memory of this process while a large object (default 256 MiB,
// generated as a stream, never committed) is put into S3 (moto, test/support/s3-server.ts)
// and read back, against the baseline of the same object buffered whole in memory. The
// figure that matters is the peak RSS growth over the starting RSS: flat for S3Storage (its
// upload holds two 8 MiB parts at most), the object's size for the baseline. Prints one JSON
// line like the other benches; the ratio is ours' peak growth over the baseline's.
import { Readable } from 'node:stream';
import { generatedStream, measurePeakRss, printPeakRssRatio } from './_memory.ts';
import { S3Storage } from '../files/storage/s3.ts';
import { startS3Server } from '../test/support/s3-server.ts';

const mib = Number(process.argv[2] ?? 256);

const generated = () => generatedStream(mib);
const measure = measurePeakRss;

const server = await startS3Server('tuplet-bench');
const storage = new S3Storage(server.options('bench'));
try {
  const ours = await measure(async () => {
    await storage.put('big.bin', generated());
    for await (const chunk of (await storage.get('big.bin')).body) void chunk;
    for await (const chunk of (await storage.get('big.bin', { start: 1024 ** 2 })).body) void chunk;
  });
  // Baseline: what a naive collect or download would do, the whole object in one buffer.
  const baseline = await measure(async () => {
    const parts: Buffer[] = [];
    for await (const chunk of generated()) parts.push(Buffer.from(chunk as Buffer));
    const whole = Buffer.concat(parts);
    parts.length = 0;
    await storage.put('big-buffered.bin', Readable.from([whole]));
  });
  printPeakRssRatio({
    bench: 's3',
    n: mib,
    ours: { what: 'S3Storage put + get + ranged get, streamed', measured: ours },
    baseline: { what: 'the object buffered whole, then put', measured: baseline },
  });
} finally {
  storage.close();
  await server.stop();
}
