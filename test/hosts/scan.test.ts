// The poll scan: the parser on recorded output, and the real script on a series directory
// whose file times are set by hand (cursor, limit, ties at the cut, runner liveness).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalTransport } from '../../hosts/local-transport.ts';
import {
  indexOfDir,
  nextCursor,
  parseScanManyOutput,
  parseScanOutput,
  SCAN_PAGE_BYTES,
  scanManyCommand,
} from '../../hosts/scan.ts';
import { tempDir } from './helpers.ts';

const recorded = [
  'N\t1795313500',
  'J\t0\t14606\t85200\t1\t0\t1',
  'J\t1\t14800\t85990\t2\t1\t',
  'R\t000000_a=1\t1\t1795313473\t1795313474\t0\t\t1795313474.0164572110',
  'R\t000001_a=2\t1\t1795313473\t1795313475\t3\t\t1795313475.0364572110',
  'R\t000002_a=3\t1\t1795313473\t\t\t\t1795313473.1000000000',
  'R\t000003_a=4\t2\t1795313473\t1795313476\t-1\tLOST\t1795313476.2',
  'R\t000004_a=5\t\t1795313473\t1795313476\t137\t\t1795313476.3',
  'R\t000005_a=6\t1\t\t\t\t\t1795313476.4',
  'T\t1795313476.4',
  '',
].join('\n');

void describe('scan output parser', () => {
  void test('reads run states, runners and the cut', () => {
    const scan = parseScanOutput(recorded);
    assert.equal(scan.hostNow, 1795313500);
    assert.equal(scan.missing, false);
    assert.equal(scan.truncatedAt, '1795313476.4');
    assert.equal(nextCursor(scan), '1795313476.4', 'a cut scan resumes where it stopped');
    assert.deepEqual(scan.runners, [
      { chunkIndex: 0, pid: 14606, startTime: '85200', attempt: 1, alive: false, doneAttempt: 1 },
      { chunkIndex: 1, pid: 14800, startTime: '85990', attempt: 2, alive: true },
    ]);
    const iso = (s: number) => new Date(s * 1000).toISOString();
    assert.deepEqual(
      scan.runs,
      [
        {
          index: 0,
          dir: '000000_a=1',
          attempt: 1,
          state: 'succeeded',
          exitCode: 0,
          startedAt: iso(1795313473),
          endedAt: iso(1795313474),
        },
        {
          index: 1,
          dir: '000001_a=2',
          attempt: 1,
          state: 'failed',
          exitCode: 3,
          startedAt: iso(1795313473),
          endedAt: iso(1795313475),
        },
        { index: 2, dir: '000002_a=3', attempt: 1, state: 'running', startedAt: iso(1795313473) },
        {
          index: 3,
          dir: '000003_a=4',
          attempt: 2,
          state: 'failed',
          exitCode: null,
          reason: 'LOST',
          startedAt: iso(1795313473),
          endedAt: iso(1795313476),
        },
        {
          index: 4,
          dir: '000004_a=5',
          state: 'failed',
          exitCode: 137,
          startedAt: iso(1795313473),
          endedAt: iso(1795313476),
        },
      ],
      'a claim without a start time is not news yet',
    );
  });

  void test('without a cut the cursor is the host time less the overlap; a missing directory is said', () => {
    assert.equal(nextCursor(parseScanOutput('N\t1000\n')), '998');
    assert.equal(parseScanOutput('N\t1000\nE\n').missing, true);
    assert.throws(() => parseScanOutput('R\t000001_x\t1\n'), { name: 'ScanParseError' });
  });

  void test('a run line with a value that cannot be true fails that run alone, with the file and the value', () => {
    const now = 1_795_313_500;
    const ok = (index: number) => `R\t${index}_ok\t1\t${now - 20}\t${now - 10}\t0\t\t${now - 10}.5`;
    const hostile = (started: string, exit = '0', ended = String(now - 10), reason = '') =>
      parseScanOutput(
        [
          `N\t${now}`,
          ok(0),
          `R\t000001_a=2\t1\t${started}\t${ended}\t${exit}\t${reason}\t${now}.1`,
          ok(2),
        ].join('\n'),
      );
    const badStart = (started: string) => {
      const { runs } = hostile(started);
      assert.deepEqual(
        runs.map((r) => [r.index, r.state]),
        [
          [0, 'succeeded'],
          [1, 'failed'],
          [2, 'succeeded'],
        ],
        `started = ${JSON.stringify(started.slice(0, 20))}`,
      );
      const run = runs[1]!;
      assert.equal(run.startedAt, undefined);
      assert.equal(run.exitCode, 0, 'the exit code that could be read is kept');
      assert.match(run.reason ?? '', /^unreadable start time in runs\/000001_a=2\/\.tuplet\/started: '/);
      assert.ok(run.reason!.length < 200, 'the reason quotes a short piece of the value');
      return run.reason!;
    };
    assert.equal(badStart('1e20'), "unreadable start time in runs/000001_a=2/.tuplet/started: '1e20'");
    badStart('99999999999999999999999'); // a huge number
    badStart('-1795313400'); // negative
    badStart('0'); // 1970: before any run
    badStart(String(now + 3 * 86_400)); // days after the host's own clock
    badStart('garbage');
    badStart('\ufffd\ufffd(\ufffd'); // non-UTF-8 bytes, as the transport decodes them
    assert.match(badStart('7'.repeat(10_000_000)), /'7{30,}…'$/); // a 10 MB line

    for (const exit of ['1e20', '256', '-7', '99999999999', 'x', '0x0']) {
      const run = hostile(String(now - 20), exit).runs[1]!;
      assert.equal(run.state, 'failed', `exit ${exit}`);
      assert.equal(run.exitCode, null);
      assert.match(run.reason ?? '', /^unreadable exit code in runs\/000001_a=2\/\.tuplet\/exit: '/);
    }
    const lateEnd = hostile(String(now - 20), '0', '1e20').runs[1]!;
    assert.equal(lateEnd.state, 'failed');
    assert.match(lateEnd.reason ?? '', /unreadable end time in .*ended: '1e20'/);

    const escapes = hostile(String(now - 20), '3', String(now - 10), '\u0000\u001b[31mred\u007f').runs[1]!;
    assert.equal(escapes.state, 'failed');
    assert.equal(escapes.exitCode, 3);
    assert.equal(escapes.reason, '??[31mred?', 'control characters never reach the database or a page');
  });

  void test('a run still going keeps its garbled fields to itself until it ends', () => {
    const { runs } = parseScanOutput('N\t1795313500\nR\t7_x\t1\t1e20\t\t\t\t1795313499.0\n');
    assert.deepEqual(runs, [{ index: 7, dir: '7_x', attempt: 1, state: 'running' }]);
  });

  void test('lines no run can be named by, garbled runner lines and a garbled cut are ignored', () => {
    const scan = parseScanOutput(
      [
        'N\t1795313500',
        'J\t0\t14606\t85200\t1\t1\t',
        'J\t1\t14606 R\t85200\t1\t1\t', // a pid with a space
        'J\tx\t1\t2\t1\t1\t',
        'J\t2\t1\t2\t3 R\t1\t',
        'R\t99999999999999999999_x\t1\t1795313473\t1795313474\t0\t\t1795313474.0',
        'R\tno-index\t1\t1795313473\t1795313474\t0\t\t1795313474.0',
        'T\t1e20',
        '@@series /elsewhere',
      ].join('\n'),
    );
    assert.deepEqual(
      scan.runners.map((r) => r.chunkIndex),
      [0],
    );
    assert.deepEqual(scan.runs, []);
    assert.equal(scan.truncatedAt, undefined);
    assert.equal(nextCursor(scan), '1795313498');
  });

  void test('a page of changes stays within its bytes; the pages that follow bring every run once', () => {
    // 10,000 ended runs, one file time each, every one with a long reason a program wrote:
    // what a dead poll's full rescan of a large chunk returns at once.
    const reason = 'é'.repeat(100); // two bytes a character: the bound is in bytes
    const lines = Array.from(
      { length: 10_000 },
      (_, i) => `R\t${i}_a=${i}\t1\t1795313473\t1795313474\t1\t${reason}\t${1795313474 + i / 1000}`,
    );
    // What the script answers for a cursor: the runs strictly newer than it.
    const scanAfter = (cursor: number) =>
      ['N\t1795313500', ...lines.filter((line) => Number(line.split('\t')[7]) > cursor)].join('\n');
    const seen: number[] = [];
    let cursor = 0;
    for (let page = 0; ; page++) {
      const scan = parseScanOutput(scanAfter(cursor));
      const bytes = Buffer.byteLength(JSON.stringify(scan.runs));
      assert.ok(bytes <= SCAN_PAGE_BYTES + 1024, `page ${page}: ${bytes} bytes`);
      seen.push(...scan.runs.map((run) => run.index));
      if (scan.truncatedAt === undefined) break;
      assert.ok(page < 100, 'the pages end');
      cursor = Number(nextCursor(scan));
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 10_000 }, (_, i) => i),
    );
  });

  void test("runs of other chunks (dropped by the executor) do not count toward the page's bytes", () => {
    // A new chunk's first poll scans the whole series: 30,000 runs of earlier chunks, then its own.
    const lines = Array.from(
      { length: 30_000 },
      (_, i) => `R\t${i}_a=${i}\t1\t1795313473\t1795313474\t0\t\t${1795313474 + i / 1000}`,
    );
    const text = ['N\t1795313500', ...lines].join('\n');
    const asked = (index: number) => index >= 29_500;
    const scan = parseScanOutput(text, asked);
    assert.equal(scan.truncatedAt, undefined, 'one page: only the 500 runs asked about count');
    assert.equal(scan.runs.filter((run) => asked(run.index)).length, 500);
    assert.notEqual(parseScanOutput(text).truncatedAt, undefined, 'counting every run cuts it');
  });

  void test('a page is never cut between runs of the same file time (the cursor could not split them)', () => {
    const line = (i: number, time: string) => `R\t${i}_a\t1\t1795313473\t1795313474\t0\t\t${time}`;
    const scan = parseScanOutput(
      ['N\t1795313500', line(0, '10.5'), line(1, '10.5'), line(2, '10.5'), line(3, '11.0')].join('\n'),
      () => true,
      1,
    );
    assert.deepEqual(
      scan.runs.map((run) => run.index),
      [0, 1, 2],
    );
    assert.equal(scan.truncatedAt, '10.5');
  });

  void test('reads the index from the directory name', () => {
    assert.equal(indexOfDir('000042_alpha=0.1'), 42);
    assert.equal(indexOfDir('7'), 7);
    assert.equal(indexOfDir('alpha'), undefined);
  });
});

void describe('scan script', () => {
  let root: { dir: string; remove: () => Promise<void> };
  const transport = new LocalTransport();
  before(async () => {
    root = await tempDir('scan');
  });
  after(() => root.remove());

  async function run(
    seriesDir: string,
    dir: string,
    files: Record<string, string>,
    mtime: number,
  ): Promise<void> {
    const t = path.join(seriesDir, 'runs', dir, '.tuplet');
    await mkdir(t, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      await writeFile(path.join(t, name), content);
      await utimes(path.join(t, name), mtime, mtime);
    }
    // What the scan looks at: the time of the directory, changed by every file created in it.
    await utimes(t, mtime, mtime);
  }

  async function scan(seriesDir: string, since?: string, limit?: number, lists?: string[]) {
    const { stdout, code } = await transport.exec(
      scanManyCommand([{ seriesDir, ...(since ? { since } : {}), ...(lists ? { lists } : {}) }], limit),
      { timeoutMs: 30_000 },
    );
    assert.equal(code, 0);
    const [result, ...more] = parseScanManyOutput(stdout);
    assert.equal(more.length, 0);
    return result!;
  }

  void test('reports changes since the cursor, oldest first, cut at the limit without splitting a tie', async () => {
    const seriesDir = path.join(root.dir, 'series');
    const base = 1_700_000_000;
    await run(
      seriesDir,
      '0_a=1',
      { attempt: '1\n', started: `${base}\n`, ended: `${base + 10}\n`, exit: '0\n' },
      base + 10,
    );
    await run(
      seriesDir,
      '1_a=2',
      { attempt: '1\n', started: `${base}\n`, ended: `${base + 20}\n`, exit: '2\n' },
      base + 20,
    );
    await run(seriesDir, '2_a=3', { attempt: '1\n', started: `${base + 30}\n` }, base + 30);
    await run(seriesDir, '3_a=4', { attempt: '1\n', started: `${base + 30}\n` }, base + 30);
    await run(seriesDir, '4_a=5', { attempt: '1\n', started: `${base + 40}\n` }, base + 40);

    await run(seriesDir, '5_a=6', { 'claim-1': '123 456\n' }, base + 50); // made, not started yet
    const all = await scan(seriesDir);
    assert.deepEqual(
      all.runs.map((r) => [r.index, r.state]),
      [
        [0, 'succeeded'],
        [1, 'failed'],
        [2, 'running'],
        [3, 'running'],
        [4, 'running'],
      ],
    );
    assert.equal(all.truncatedAt, undefined);
    assert.ok(Math.abs(all.hostNow - Date.now() / 1000) < 5);

    const since = await scan(seriesDir, String(base + 15));
    assert.deepEqual(
      since.runs.map((r) => r.index),
      [1, 2, 3, 4],
    );

    // Limit 2: 1, 2 and 3 (2 and 3 share a time, so they stay together), then the rest.
    const cut = await scan(seriesDir, String(base + 15), 2);
    assert.deepEqual(
      cut.runs.map((r) => r.index),
      [1, 2, 3],
    );
    assert.ok(cut.truncatedAt !== undefined);
    const rest = await scan(seriesDir, nextCursor(cut), 2);
    assert.deepEqual(
      rest.runs.map((r) => r.index),
      [4],
    );
    assert.equal(rest.truncatedAt, undefined);
  });

  void test("given the polled chunks' run lists, reads those runs only, and no list leads it astray", async () => {
    const seriesDir = path.join(root.dir, 'lists');
    const now = Math.floor(Date.now() / 1000);
    const done = { attempt: '1\n', started: `${now}\n`, ended: `${now}\n`, exit: '0\n' };
    for (const dir of ['0_a=1', '1_a=2', '2_a=3', '3_a=4']) await run(seriesDir, dir, done, now);
    // A run listed whose exit file is a FIFO: still never opened on this path.
    const { exit: _exit, ...withoutExit } = done;
    await run(seriesDir, '4_a=5', withoutExit, now);
    execFileSync('mkfifo', [path.join(seriesDir, 'runs/4_a=5/.tuplet/exit')]);
    await utimes(path.join(seriesDir, 'runs/4_a=5/.tuplet'), now, now);
    // Outside the series: a "run" a list could point at by a path.
    await run(root.dir, '9_outside', done, now);
    await mkdir(path.join(seriesDir, '.tuplet/slurm'), { recursive: true });
    const write = (name: string, text: string) => writeFile(path.join(seriesDir, '.tuplet', name), text);
    await write('chunk-0.list', '0\t0_a=1\n1\t1_a=2\n7\t7_a=8\n');
    await write(
      'slurm/chunk-1.a1.tsv',
      ['2\t2_a=3', '4\t4_a=5', '9\t../../9_outside', '9\t-delete', '9\t9 -newer x', ''].join('\n'),
    );
    await writeFile(path.join(root.dir, 'elsewhere.list'), '3\t3_a=4\n');
    await symlink(path.join(root.dir, 'elsewhere.list'), path.join(seriesDir, '.tuplet/chunk-2.list'));
    execFileSync('mkfifo', [path.join(seriesDir, '.tuplet/chunk-3.list')]);
    await writeFile(path.join(seriesDir, 'other.list'), '3\t3_a=4\n');

    const asked = [
      '.tuplet/chunk-0.list',
      '.tuplet/slurm/chunk-1.a1.tsv',
      '.tuplet/chunk-2.list', // a link: not read
      '.tuplet/chunk-3.list', // a FIFO: not opened, so the scan does not wait for a writer
      'other.list', // not a list Tuplet writes
      '.tuplet/chunk-6.list', // not written yet: no runs
    ];
    const listed = await scan(seriesDir, undefined, undefined, asked);
    assert.deepEqual(
      listed.runs.map((r) => [r.index, r.state]).sort(),
      [
        [0, 'succeeded'],
        [1, 'succeeded'],
        [2, 'succeeded'],
        [4, 'failed'],
      ],
      'run 3 is in no list read, 7 was never made, and no name leaves runs/',
    );
    assert.match(listed.runs.find((r) => r.index === 4)?.reason ?? '', /not a regular file/);
    const since = await scan(seriesDir, String(now + 5), undefined, asked);
    assert.deepEqual(since.runs, [], 'the cursor applies as without lists');
    const whole = await scan(seriesDir);
    assert.deepEqual(
      whole.runs.map((r) => r.index).sort(),
      [0, 1, 2, 3, 4],
      'without lists, every run of the series',
    );
  });

  void test('files a run garbled stay within its own record: no tab, no line break, no 10 MB line', async () => {
    const seriesDir = path.join(root.dir, 'hostile');
    const now = Math.floor(Date.now() / 1000);
    await run(
      seriesDir,
      '0_a=1',
      { attempt: '1\n', started: `${now}\n`, ended: `${now}\n`, exit: '0\n' },
      now,
    );
    await run(seriesDir, '1_a=2', { attempt: '1\n', started: '1e20\n', ended: `${now}\n`, exit: '0\n' }, now);
    await run(
      seriesDir,
      '2_a=3',
      {
        attempt: '1\n',
        started: `${now}\tR\t5_fake\t1\n`,
        ended: Buffer.from([0xff, 0xfe, 0x09, 0x0a]).toString('latin1'),
        exit: '7'.repeat(10_000_000),
        reason: 'a\tb\u001b[0m',
      },
      now,
    );
    // A directory whose name holds a line break and a record of its own.
    await run(seriesDir, '3_a=4\nR\t4_fake\t1\t1\t1\t0\t\t1', { started: `${now}\n`, exit: '0\n' }, now);
    await mkdir(path.join(seriesDir, '.tuplet'), { recursive: true });
    await writeFile(path.join(seriesDir, '.tuplet/chunk-0.pid'), '1 2 3\tR\t6_fake\n');
    await writeFile(path.join(seriesDir, '.tuplet/chunk-1\nJ\t9\t1\t1\t1\t1\t.pid'), '1 2 3\n');

    const result = await scan(seriesDir);
    assert.deepEqual(result.runners, []);
    const byIndex = new Map(result.runs.map((r) => [r.index, r]));
    assert.deepEqual(
      [...byIndex.keys()].sort(),
      [0, 1, 2],
      'no record made up by a file or directory name, and none for a directory Tuplet never names',
    );
    assert.equal(byIndex.get(0)!.state, 'succeeded');
    assert.equal(byIndex.get(1)!.state, 'failed');
    assert.equal(byIndex.get(1)!.reason, "unreadable start time in runs/1_a=2/.tuplet/started: '1e20'");
    const two = byIndex.get(2)!;
    assert.equal(two.state, 'failed');
    assert.match(
      two.reason ?? '',
      /^a\?b\?\[0m; unreadable start time .*; unreadable exit code .*'7+…'; unreadable end time/,
    );
    assert.ok(two.reason!.length <= 300);
  });

  void test('a record file that is a FIFO or a link is never opened: the scan goes on, the run fails naming it', async () => {
    const seriesDir = path.join(root.dir, 'fifo');
    const now = Math.floor(Date.now() / 1000);
    const done = { attempt: '1\n', started: `${now}\n`, ended: `${now}\n`, exit: '0\n' };
    await run(seriesDir, '0_a=1', done, now);
    // Opening a FIFO for reading waits for a writer, and none comes; /dev/zero never ends a line.
    const { exit: _exit, ...withoutExit } = done;
    await run(seriesDir, '1_a=2', withoutExit, now);
    execFileSync('mkfifo', [path.join(seriesDir, 'runs/1_a=2/.tuplet/exit')]);
    const { started: _started, ...withoutStarted } = done;
    await run(seriesDir, '2_a=3', withoutStarted, now);
    await symlink('/dev/zero', path.join(seriesDir, 'runs/2_a=3/.tuplet/started'));
    for (const dir of ['1_a=2', '2_a=3'])
      await utimes(path.join(seriesDir, 'runs', dir, '.tuplet'), now, now);

    // Bounded, so that the old behaviour (a scan waiting forever) fails here instead of hanging.
    const { stdout, code } = await transport.exec(scanManyCommand([{ seriesDir }]), { timeoutMs: 30_000 });
    assert.equal(code, 0);
    const byIndex = new Map(parseScanManyOutput(stdout)[0]!.runs.map((r) => [r.index, r]));
    assert.equal(byIndex.get(0)?.state, 'succeeded');
    assert.equal(byIndex.get(1)?.state, 'failed');
    assert.match(byIndex.get(1)?.reason ?? '', /runs\/1_a=2\/\.tuplet\/exit: '\(not a regular file\)'/);
    assert.equal(byIndex.get(2)?.state, 'failed');
    assert.match(byIndex.get(2)?.reason ?? '', /runs\/2_a=3\/\.tuplet\/started: '\(not a regular file\)'/);
  });

  void test('tells live runners from dead ones and reused PIDs', async () => {
    const seriesDir = path.join(root.dir, 'runners');
    await mkdir(path.join(seriesDir, '.tuplet'), { recursive: true });
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const { stdout } = await transport.exec([
        'bash',
        '-c',
        'read -r s </proc/$1/stat; s=${s##*) }; set -- $s; echo ${20}',
        'x',
        String(child.pid),
      ]);
      const startTime = stdout.trim();
      await writeFile(path.join(seriesDir, '.tuplet/chunk-0.pid'), `${child.pid} ${startTime} 1\n`);
      await writeFile(path.join(seriesDir, '.tuplet/chunk-1.pid'), `${child.pid} 12345 1\n`); // same PID, other start: reused
      await writeFile(path.join(seriesDir, '.tuplet/chunk-2.pid'), `999999999 1 3\n`);
      await writeFile(path.join(seriesDir, '.tuplet/chunk-2.done'), `3\n`);
      const result = await scan(seriesDir);
      assert.deepEqual(
        result.runners.map((r) => [r.chunkIndex, r.alive, r.doneAttempt]),
        [
          [0, true, undefined],
          [1, false, undefined],
          [2, false, 3],
        ],
      );
    } finally {
      child.kill();
    }
    assert.equal((await scan(path.join(root.dir, 'nothing-here'))).missing, true);
  });
});
