// The example application: runs spiral.py on configs rendered from its own sweep, as the
// local host would (cwd = run dir, TUPLET_CONFIG), and checks what a researcher gets back.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { parseSweep, renderTuple, tuplesInRange, type Sweep } from '../../sweep/index.ts';

const exampleDir = path.resolve(import.meta.dirname, '../../examples/spiral');
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
}

/** Runs spiral.py with `config` as the run's config.ini, in a fresh run directory. */
async function runSpiral(config: string, cleanup: Array<() => Promise<void>>): Promise<Outcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tuplet-spiral-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const configFile = path.join(dir, 'config.ini');
  await writeFile(configFile, config);
  try {
    const { stdout, stderr } = await run('python3', [path.join(exampleDir, 'spiral.py')], {
      cwd: dir,
      env: { ...process.env, TUPLET_CONFIG: configFile },
    });
    return { code: 0, stdout, stderr, dir };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', dir };
  }
}

function indexOf(sweep: Sweep, a: string, b: string): number {
  for (const tuple of tuplesInRange(sweep, 0, sweep.count)) {
    if (tuple.values['model.a'] === a && tuple.values['model.b'] === b) return Number(tuple.index);
  }
  throw new Error(`no tuple with a=${a} b=${b}`);
}

/** Parses a PNG far enough to trust it: signature, chunk CRCs, IHDR, and the pixel data size. */
function readPng(bytes: Buffer): { width: number; height: number; colourType: number; pixels: Buffer } {
  assert.deepEqual(
    [...bytes.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'PNG signature',
  );
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  let ended = false;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const kind = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    assert.equal(
      bytes.readUInt32BE(offset + 8 + length),
      crc32(bytes.subarray(offset + 4, offset + 8 + length)),
      `${kind} CRC`,
    );
    if (kind === 'IHDR') header = body;
    if (kind === 'IDAT') data.push(body);
    if (kind === 'IEND') ended = true;
    offset += 12 + length;
  }
  assert.ok(header && ended && data.length > 0, 'IHDR, IDAT and IEND present');
  return {
    width: header.readUInt32BE(0),
    height: header.readUInt32BE(4),
    colourType: header[9]!,
    pixels: inflateSync(Buffer.concat(data)),
  };
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

void describe('examples/spiral', () => {
  const cleanup: Array<() => Promise<void>> = [];
  let sweep: Sweep;
  after(() => Promise.all(cleanup.map((remove) => remove())));

  void test('sweep.ini is a 66-tuple scan of a and b', async () => {
    sweep = parseSweep(await readFile(path.join(exampleDir, 'sweep.ini'), 'utf8'));
    assert.equal(sweep.count, 66n);
    assert.deepEqual(
      sweep.parameters.map((p) => [`${p.section}.${p.key}`, p.values.length]),
      [
        ['model.a', 6],
        ['model.b', 11],
      ],
    );
  });

  void test('a spiral-forming tuple writes a coloured PNG and a flat metrics.json with a period and a tip', async () => {
    const outcome = await runSpiral(renderTuple(sweep, indexOf(sweep, '0.8', '0.03')), cleanup);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /step 200\/200/);

    const png = readPng(await readFile(path.join(outcome.dir, 'spiral.png')));
    assert.equal(png.width, 240);
    assert.equal(png.height, 240);
    assert.equal(png.colourType, 2, 'RGB');
    assert.equal(png.pixels.length, 240 * (1 + 240 * 3));
    const colours = new Set<string>();
    for (let i = 1; i < png.pixels.length; i += 3 * 37)
      colours.add(png.pixels.subarray(i, i + 3).toString('hex'));
    assert.ok(colours.size > 10, `a picture, not a flat image (${colours.size} colours sampled)`);

    const metrics = JSON.parse(await readFile(path.join(outcome.dir, 'metrics.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    for (const value of Object.values(metrics))
      assert.ok(value === null || typeof value !== 'object', 'flat');
    assert.equal(metrics.final_time, 20);
    assert.equal(metrics.wave_alive, true);
    assert.equal(metrics.tips, 1);
    assert.ok(
      typeof metrics.period === 'number' && metrics.period > 1 && metrics.period < 10,
      `period ${metrics.period}`,
    );
    assert.ok(typeof metrics.mean_u === 'number' && metrics.mean_u > 0.05 && metrics.mean_u < 0.6);
  });

  void test('in a weakly excitable medium the wave dies out and no period is measured', async () => {
    const outcome = await runSpiral(renderTuple(sweep, indexOf(sweep, '0.5', '0.10')), cleanup);
    assert.equal(outcome.code, 0, outcome.stderr);
    const metrics = JSON.parse(await readFile(path.join(outcome.dir, 'metrics.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(metrics.wave_alive, false);
    assert.equal(metrics.period, null);
    assert.equal(metrics.tips, 0);
  });

  void test('bad parameters stop it with exit code 2 and a message naming the parameter', async () => {
    const notANumber = await runSpiral('[model]\na = fast\n', cleanup);
    assert.equal(notANumber.code, 2);
    assert.match(notANumber.stderr, /\[model\] a = 'fast' is not a number/);

    const unstable = await runSpiral('[grid]\nh = 0.5\n[time]\ndt = 0.1\n', cleanup);
    assert.equal(unstable.code, 2);
    assert.match(unstable.stderr, /\[time\] dt = 0.1 is unstable/);

    const outOfRange = await runSpiral('[grid]\nsize = 3\n', cleanup);
    assert.equal(outOfRange.code, 2);
    assert.match(outOfRange.stderr, /\[grid\] size = 3 is outside/);
  });
});
