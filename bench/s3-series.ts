// `npm run bench -- s3-series [N]`: a series of N (1,000) runs of a trivial program, each
// writing a small output file, on the local host with TUPLET_STORAGE_URL at a real
// S3-compatible server (moto, test/support/s3-server.ts), against the same series on disk
// storage (the embedded default) in the same process as the baseline. After each series, the
// bench checks what issue 15 asks to work with 1,000 runs: every run's output is in storage
// (the bucket, or the disk), the API lists a few runs' files, a download and a Range request
// of them answer the right bytes, the run page previews one, and the archive downloads and
// holds N runs. Prints the timings (POST → last run recorded, → series finished; last exit →
// recorded; recorded → finished, i.e. collect, index and archive, with each activity's time from
// the workflow histories; the checks) and one JSON line; the ratio is S3's wall time
// (POST → finished) over the disk's.
import { Client, Connection } from '@temporalio/client';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser } from 'tar';
import { DiskStorage } from '../files/storage/disk.ts';
import { S3Storage } from '../files/storage/s3.ts';
import type { Storage } from '../files/storage/types.ts';
import { startS3Server } from '../test/support/s3-server.ts';
import { startTestStack, type InProcessStack } from '../test/support/stack.ts';
import { startTemporal } from '../test/support/temporal.ts';
import { timeSeries } from './_series.ts';
import { timeline } from './_timeline.ts';
import { readSeriesHistories } from './scale/histories.ts';

const n = Number(process.argv[2] ?? 1000);
const APP = 'bench-s3-writer';
// `i` is the sweep's one parameter (bench/_series.ts): each run writes what it was given.
const PROGRAM = 'i=$(sed -n "s/^i *= *//p" config.ini); echo "output of run $i" > out.txt';
const SAMPLED = [0, Math.floor(n / 2), n - 1];

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
}

/** Every object below the series' runs, by run directory. */
async function outputsByRun(storage: Storage, id: string): Promise<Map<string, string[]>> {
  const runs = new Map<string, string[]>();
  for await (const { key } of storage.list(`${id}/runs`)) {
    const [dir, ...rest] = key.slice(`${id}/runs/`.length).split('/');
    runs.set(dir!, [...(runs.get(dir!) ?? []), rest.join('/')]);
  }
  return runs;
}

/** Every check of the series' files; answers the archive's size. */
async function checkFiles(stack: InProcessStack, storage: Storage, id: string): Promise<number> {
  const runs = await outputsByRun(storage, id);
  check(runs.size === n, `${runs.size} run folders in ${storage.description}, not ${n}`);
  const missing = [...runs].filter(([, files]) => !files.includes('out.txt'));
  check(missing.length === 0, `no out.txt for ${missing.length} runs (first: ${missing[0]?.[0]})`);

  for (const index of SAMPLED) {
    const expected = `output of run ${index}\n`;
    const listing = await stack.request<{ files: Array<{ path: string; size: number }> }>(
      'GET',
      `/api/v1/series/${id}/runs/${index}/files`,
    );
    check(listing.status === 200, `GET run ${index}'s files answered ${listing.status}`);
    const out = listing.body.files.find((f) => f.path === 'out.txt');
    check(out?.size === expected.length, `run ${index}'s out.txt listed with ${out?.size} bytes`);
    const url = `/api/v1/series/${id}/runs/${index}/files/out.txt`;
    const whole = await stack.fetch(url);
    check(whole.status === 200 && (await whole.text()) === expected, `download of run ${index}'s out.txt`);
    const part = await stack.fetch(url, { headers: { range: 'bytes=7-9' } });
    check(
      part.status === 206 && (await part.text()) === expected.slice(7, 10),
      `Range bytes=7-9 of run ${index}'s out.txt answered ${part.status}`,
    );
    const page = await stack.fetch(`/series/${id}/runs/${index}`);
    check(
      page.status === 200 && (await page.text()).includes(`output of run ${index}`),
      `run page ${index} previews out.txt`,
    );
  }

  const archive = await stack.fetch(`/api/v1/series/${id}/archive`);
  check(archive.status === 200, `GET the archive answered ${archive.status}`);
  const inArchive = new Set<string>();
  let bytes = 0;
  const body = Readable.fromWeb(archive.body! as never).on('data', (c: Buffer) => (bytes += c.length));
  await pipeline(
    body,
    createGunzip(),
    new Parser({
      onReadEntry(entry) {
        const match = /^[a-z0-9]+\/runs\/([^/]+)\/out\.txt$/.exec(entry.path);
        if (match) inArchive.add(match[1]!);
        entry.resume();
      },
    }),
  );
  check(inArchive.size === n, `the archive holds ${inArchive.size} runs' out.txt, not ${n}`);
  return bytes;
}

interface Figures {
  wall_s: number;
  recorded_s: number;
  collect_s: number;
  finish_s: number;
  checks_s: number;
  /** Scheduled → completed by activity type (collectChunk, indexChunk, archiveSeries…). */
  activity_s: Record<string, number>;
  archive_bytes: number;
}

async function measure(label: string, env: Record<string, string>, storageOf: (dataDir: string) => Storage) {
  process.stderr.write(`s3-series ${label}: starting the stack\n`);
  const stack = await startTestStack({ temporalAddress: temporal.address, env });
  const storage = storageOf(stack.dataDir);
  try {
    const created = await stack.request('POST', '/api/v1/applications', { name: APP, command: PROGRAM });
    check(created.status === 201, `POST the application answered ${created.status}`);
    const timed = await timeSeries(stack, {
      application: APP,
      host: 'local',
      n,
      description: `bench s3-series ${label}`,
    });
    const { body } = await stack.request<{ state: string }>('GET', `/api/v1/series/${timed.id}`);
    check(body.state === 'completed', `the ${label} series ended ${body.state}`);
    const seriesDir = path.join(stack.dataDir, 'work', timed.id);
    const phases = await timeline(seriesDir, {
      postedAt: timed.postedAt,
      submittedAt: (await stat(path.join(seriesDir, '.tuplet', 'chunk-0.pid'))).mtimeMs,
      recordedAt: timed.recordedAt,
      finishedAt: timed.finishedAt,
    });
    process.stderr.write(`s3-series ${label}: series ${timed.id} finished, checking its files\n`);
    const checksStart = performance.now();
    const archiveBytes = await checkFiles(stack, storage, timed.id);
    const figures: Figures = {
      wall_s: +((timed.finishedAt - timed.postedAt) / 1000).toFixed(2),
      recorded_s: +timed.seconds.toFixed(2),
      collect_s: phases.last_exit_to_recorded_s,
      finish_s: phases.recorded_to_finished_s ?? 0,
      checks_s: +((performance.now() - checksStart) / 1000).toFixed(2),
      archive_bytes: archiveBytes,
      activity_s: (await readSeriesHistories(client, timed.id)).activitySeconds,
    };
    process.stdout.write(
      `s3-series ${label}: ${n} runs, POST → last run recorded ${figures.recorded_s} s, → finished ${figures.wall_s} s; ` +
        `last exit → recorded ${figures.collect_s} s, recorded → finished (collect, index, archive) ${figures.finish_s} s; ` +
        `checks ${figures.checks_s} s (archive ${archiveBytes} bytes); activities ${JSON.stringify(figures.activity_s)}\n`,
    );
    return figures;
  } finally {
    if (storage instanceof S3Storage) storage.close();
    await stack.stop();
  }
}

const temporal = await startTemporal();
const connection = await Connection.connect({ address: temporal.address });
const client = new Client({ connection, namespace: temporal.namespace });
const server = await startS3Server('tuplet-bench');
try {
  const baseline = await measure('disk', {}, (dataDir) => new DiskStorage(path.join(dataDir, 'storage')));
  const ours = await measure('S3', server.env('bench'), () => new S3Storage(server.options('bench')));
  process.stdout.write(
    `${JSON.stringify({
      bench: 's3-series',
      n,
      ours: 'the series with TUPLET_STORAGE_URL at moto (POST → finished)',
      ours_s: ours.wall_s,
      baseline: 'the same series on disk storage',
      baseline_s: baseline.wall_s,
      ratio: +(ours.wall_s / baseline.wall_s).toFixed(3),
      ours_collect_s: ours.collect_s,
      baseline_collect_s: baseline.collect_s,
      ours_finish_s: ours.finish_s,
      baseline_finish_s: baseline.finish_s,
      ours_checks_s: ours.checks_s,
      baseline_checks_s: baseline.checks_s,
      ours_activity_s: ours.activity_s,
      baseline_activity_s: baseline.activity_s,
    })}\n`,
  );
} finally {
  await server.stop();
  await connection.close();
  await temporal.stop();
}
