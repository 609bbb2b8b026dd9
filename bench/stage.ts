// `npm run bench -- stage [N] [ROUNDS]`: stage N (default 100,000) tuple directories with
// their rendered configs through the real staging path (sweep → tar stream → `tar -x` over
// the local transport), against `tar -x` of a pre-made archive of the same files, in the
// same run. The two alternate for ROUNDS rounds (default 2), the one that goes first
// swapping each round, and the best time of each counts, since other work on a shared
// machine only ever adds time. Prints times and peak memory, then the JSON line of the design.
//
// Both sides are timed the same way, twice over. On the disk, each side's time includes its
// own final `sync`: untarring many small files lands in the page cache in about a second and
// takes ten times that to reach the disk, so a time without the sync measures how much
// writeback was pending, not the staging. On tmpfs (/dev/shm) there is no writeback, so the
// time is the work itself.
//
// What makes the two sides the same work:
// - The archive is our own tar stream of the chunk, written to a file once: the same entries
//   in the same order with the same headers. The baseline differs from ours only in that
//   nothing is rendered and nothing streams from this process.
// - The baseline's `tar` is started by the same command as ours (untarCommand:
//   `-xf - --no-same-owner`, the archive on stdin).
// - A `sync` before each timed side, and the kernel's Dirty bytes read then and printed: each
//   side starts with no writeback of the other pending.
// - No tree is deleted until every side of every round on the medium is done. This disk's
//   ext4 runs without a journal, and there a new inode is never one freed in the last
//   minutes: the allocator reads and skips each of them (find_inode_bit → recently_deleted),
//   so a side that ran right after the other side's tree was deleted paid for that deletion
//   (the earlier version deleted between sides, ours always first: baseline 58 s against
//   ours' 12 s for the same 20,000 files).
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { LocalTransport } from '../hosts/local-transport.ts';
import { chunkRanges, chunkTarStream, stageChunk, untarCommand } from '../hosts/staging.ts';
import { parseSweep } from '../sweep/index.ts';

const run = promisify(execFile);
const n = Number(process.argv[2] ?? 100_000);
const rounds = Math.max(1, Number(process.argv[3] ?? 2));
const chunk = { offset: 0, length: n };

// A cardiac-model config like the paper's: 100 × 100 × 10 = 100,000 tuples at full size.
const sizes = n === 100_000 ? [100, 100, 10] : [n, 1, 1];
const values = (count: number, scale: number) =>
  Array.from({ length: count }, (_, i) => (i * scale).toFixed(3)).join(' ');
const ini = `; Aliev-Panfilov spiral drift under periodic stimulation
[model]
name = aliev-panfilov
k = 8.0
a = ${values(sizes[0]!, 0.001)}
epsilon = 0.002
mu1 = 0.2
mu2 = 0.3

[tissue]
width = 256
height = 256
dx = 0.5
fiber_angle = ${values(sizes[1]!, 0.9)}
anisotropy = 4

[stimulation]
period = ${values(sizes[2]!, 10)}
amplitude = 0.5
area = "lower left"

[solver]
dt = 0.01
t_end = 5000
output_every = 10
`;

/** `rm -rf`: far faster than a recursive fs.rm on 100,000 directories, and outside our heap. */
const removeTree = (dir: string) => run('rm', ['-rf', '--', dir]);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const load = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ')[0]!;

/** The kernel's dirty page cache, bytes (writeback still to come). */
async function dirtyBytes(): Promise<number> {
  const match = /^Dirty:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** Where the files land and how the end of a step is decided. */
interface Medium {
  name: 'disk+sync' | 'tmpfs';
  parent: string;
  /** Part of each side's timing: until the files are on the medium for good. */
  settle: () => Promise<unknown>;
}
const media: Medium[] = [
  { name: 'disk+sync', parent: os.tmpdir(), settle: () => run('sync', []) },
  { name: 'tmpfs', parent: '/dev/shm', settle: async () => undefined },
];

interface MediumResult {
  medium: Medium['name'];
  oursS: number;
  baselineS: number;
  oursTimes: number[];
  baselineTimes: number[];
  /** The most writeback pending as a timed side began, bytes. */
  maxDirtyBefore: number;
  loads: string[];
}

/** `tar -x` of the archive as ours runs it: the same command, the stream on stdin. */
async function untarBaseline(archive: string, dir: string): Promise<void> {
  const [command, ...args] = untarCommand(dir);
  const input = await open(archive);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command!, args, { stdio: [input.fd, 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`baseline tar -x exited ${code}`)),
      );
    });
  } finally {
    await input.close();
  }
}

async function measure(
  medium: Medium,
  sweep: ReturnType<typeof parseSweep>,
  archive: string,
): Promise<MediumResult> {
  const root = await mkdtemp(path.join(medium.parent, 'tuplet-bench-stage-'));
  const transport = new LocalTransport();
  const times = { ours: [] as number[], baseline: [] as number[] };
  const steps = {
    ours: (dir: string) => stageChunk(transport, dir, sweep, 'config.ini', chunk),
    baseline: (dir: string) => untarBaseline(archive, dir),
  };
  let maxDirtyBefore = 0;
  const loads: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
      for (const side of order) {
        // Each side starts with nothing of the one before pending: its own writeback is in its time.
        await run('sync', []);
        maxDirtyBefore = Math.max(maxDirtyBefore, await dirtyBytes());
        loads.push(await load());
        const start = performance.now();
        await steps[side](path.join(root, `${side}-${round}`));
        await medium.settle();
        times[side].push((performance.now() - start) / 1000);
      }
    }
  } finally {
    await removeTree(root);
  }
  return {
    medium: medium.name,
    oursS: Math.min(...times.ours),
    baselineS: Math.min(...times.baseline),
    oursTimes: times.ours,
    baselineTimes: times.baseline,
    maxDirtyBefore,
    loads,
  };
}

/**
 * Our tar stream of the chunk, written to a file once (untimed), and checked by listing it:
 * N config files. The baseline untars exactly these bytes.
 */
async function makeArchive(
  root: string,
  sweep: ReturnType<typeof parseSweep>,
): Promise<{ archive: string; bytes: number; files: number }> {
  const archive = path.join(root, 'same-files.tar');
  await pipeline(chunkTarStream(sweep, 'config.ini', chunkRanges(chunk)), createWriteStream(archive));
  const count = 'tar -tf "$1" | grep -c "/config\\.ini$"';
  const files = Number((await run('bash', ['-c', count, 'bench', archive])).stdout);
  if (files !== n) throw new Error(`the archive holds ${files} configs, wanted ${n}`);
  return { archive, bytes: (await stat(archive)).size, files };
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tuplet-bench-stage-'));
  try {
    const sweep = parseSweep(ini, { maxTuples: Infinity });
    if (Number(sweep.count) !== n) throw new Error(`sweep has ${sweep.count} tuples, wanted ${n}`);
    const rssBefore = peakRss();
    const { archive, bytes, files } = await makeArchive(root, sweep);
    const rssAfter = peakRss();
    const results: MediumResult[] = [];
    for (const medium of media) results.push(await measure(medium, sweep, archive));

    const list = (times: number[]) => times.map((t) => t.toFixed(2)).join(', ');
    console.log(`tuples staged:          ${n} (configs in the archive: ${files}; ${mib(bytes)} MiB)`);
    for (const r of results) {
      const name = r.medium.padEnd(9);
      console.log(
        `${name} ours (render+tar+untar): best ${r.oursS.toFixed(2)} s of ${list(r.oursTimes)} (${Math.round(n / r.oursS)} tuples/s)`,
      );
      console.log(
        `${name} baseline tar -x:         best ${r.baselineS.toFixed(2)} s of ${list(r.baselineTimes)}`,
      );
      console.log(`${name} ratio ours / tar -x:     ${(r.oursS / r.baselineS).toFixed(2)}`);
      console.log(
        `${name} before each side: dirty ≤ ${mib(r.maxDirtyBefore)} MiB; load ${r.loads.join(', ')}`,
      );
    }
    console.log(`peak RSS before / after: ${mib(rssBefore)} MiB / ${mib(rssAfter)} MiB`);
    const [disk, tmpfs] = results as [MediumResult, MediumResult];
    const seconds = (s: number) => Number(s.toFixed(3));
    console.log(
      JSON.stringify({
        bench: 'stage',
        n,
        ours_s: seconds(disk.oursS),
        baseline:
          'tar -xf - --no-same-owner of our own tar stream saved to a file, each side timed through its own final sync',
        baseline_s: seconds(disk.baselineS),
        ratio: Number((disk.oursS / disk.baselineS).toFixed(3)),
        tmpfs_ours_s: seconds(tmpfs.oursS),
        tmpfs_baseline_s: seconds(tmpfs.baselineS),
        tmpfs_ratio: Number((tmpfs.oursS / tmpfs.baselineS).toFixed(3)),
        max_dirty_before_mib: Number(mib(Math.max(disk.maxDirtyBefore, tmpfs.maxDirtyBefore))),
        loads: [...disk.loads, ...tmpfs.loads],
        peak_rss_before_mib: Number(mib(rssBefore)),
        peak_rss_after_mib: Number(mib(rssAfter)),
        rounds,
      }),
    );
  } finally {
    await removeTree(root);
  }
}

await main();
