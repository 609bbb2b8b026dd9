// `npm run bench -- stage [N] [ROUNDS]`: stage N (default 100,000) tuple directories with
// their rendered configs through the real staging path (sweep → tar stream → `tar -x` over
// the local transport), against `tar -x` of a pre-made archive of the same files, in the
// same run. The two alternate for ROUNDS rounds (default 2) and the best time of each
// counts, since other work on a shared machine only ever adds time. Prints times and peak
// memory, then the JSON line of the design.
import { execFile } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalTransport } from '../hosts/local-transport.ts';
import { stageChunk } from '../hosts/staging.ts';
import { parseSweep } from '../sweep/index.ts';

const run = promisify(execFile);
const n = Number(process.argv[2] ?? 100_000);
const rounds = Math.max(1, Number(process.argv[3] ?? 2));

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

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tuplet-bench-stage-'));
  try {
    const sweep = parseSweep(ini, { maxTuples: Infinity });
    if (Number(sweep.count) !== n) throw new Error(`sweep has ${sweep.count} tuples, wanted ${n}`);
    const transport = new LocalTransport();
    const archive = path.join(root, 'same-files.tar');
    const oursTimes: number[] = [];
    const baselineTimes: number[] = [];
    let archiveBytes = 0;
    let files = 0;
    const rssBefore = peakRss();
    let rssAfter = rssBefore;

    for (let round = 0; round < rounds; round++) {
      const oursDir = path.join(root, `ours-${round}`);
      // Both sides start with no dirty pages of the previous step pending: writeback of 100,000
      // files removed or created just before otherwise lands in whichever step comes next.
      await run('sync', []);
      const t0 = performance.now();
      await stageChunk(transport, oursDir, sweep, 'config.ini', { offset: 0, length: n });
      oursTimes.push((performance.now() - t0) / 1000);
      if (round === 0) rssAfter = peakRss();

      if (round === 0) {
        // The baseline archive holds exactly the files we wrote, without directory entries
        // (like ours: tar makes the parent directories itself), made outside the timing.
        const pack = 'cd "$1" && find runs -type f | sort | tar -cf "$2" --no-recursion -T -';
        await run('bash', ['-c', pack, 'bench', oursDir, archive]);
        archiveBytes = (await stat(archive)).size;
        const count = 'find "$1/runs" -name config.ini | wc -l';
        files = Number((await run('bash', ['-c', count, 'bench', oursDir])).stdout);
        if (files !== n) throw new Error(`staged ${files} configs, wanted ${n}`);
      }
      await removeTree(oursDir);

      const baseDir = path.join(root, `baseline-${round}`);
      await run('sync', []);
      const t1 = performance.now();
      await run('bash', ['-c', 'mkdir -p "$1" && tar -xf "$2" -C "$1"', 'bench', baseDir, archive]);
      baselineTimes.push((performance.now() - t1) / 1000);
      await removeTree(baseDir);
    }
    const oursS = Math.min(...oursTimes);
    const baselineS = Math.min(...baselineTimes);
    const list = (times: number[]) => times.map((t) => t.toFixed(2)).join(', ');

    console.log(`tuples staged:          ${n} (configs verified on disk: ${files})`);
    console.log(
      `ours (render+tar+untar): best ${oursS.toFixed(2)} s of ${list(oursTimes)} (${Math.round(n / oursS)} tuples/s)`,
    );
    console.log(
      `baseline tar -x:         best ${baselineS.toFixed(2)} s of ${list(baselineTimes)} (archive ${mib(archiveBytes)} MiB)`,
    );
    console.log(`peak RSS before / after: ${mib(rssBefore)} MiB / ${mib(rssAfter)} MiB`);
    console.log(
      JSON.stringify({
        bench: 'stage',
        n,
        ours_s: Number(oursS.toFixed(3)),
        baseline: 'tar -x of the same files',
        baseline_s: Number(baselineS.toFixed(3)),
        ratio: Number((oursS / baselineS).toFixed(3)),
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
