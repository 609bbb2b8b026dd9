// Attack: a run writes an output crafted to hang or exhaust the server when its run page
// previews it — a NetCDF header whose counts lie (4294967277 made the old reader loop for
// hours through a 32-bit pad4), a CSV whose first line is 100 MB, a binary file, a link out
// of the series. Every preview must return, and say why it shows nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../db/accounts.ts';
import { deadlineIn } from '../../web/previews/budget.ts';
import { loadPreview, type Preview } from '../../web/previews/file.tsx';
import { MAX_DIMENSIONS } from '../../web/previews/netcdf.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';

const fixture = (name: string) => readFileSync(new URL(`../web/fixtures/${name}`, import.meta.url));

/** Big-endian 32-bit unsigned. */
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
/** A NetCDF name: its length, its bytes, padding to 4. */
const ncName = (s: string) => {
  const bytes = Buffer.from(s);
  return Buffer.concat([u32(bytes.length), bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
};
const CDF1 = Buffer.from('CDF\x01', 'latin1');
const ABSENT = Buffer.concat([u32(0), u32(0)]);
const NC_DIMENSION = 0x0a;
const NC_ATTRIBUTE = 0x0c;
const NC_CHAR = 2;
const LYING_COUNT = 4294967277;

/**
 * 4294967277 global attributes, the first a `char` attribute of 4294967277 bytes: the old
 * reader's `pad4` wrapped that to -16, stepped back onto the same attribute and read it again
 * — 4294967277 times, growing an array (measured: over an hour).
 */
const lyingAttributes = Buffer.concat([
  CDF1,
  u32(0), // numrecs
  ABSENT, // no dimensions
  u32(NC_ATTRIBUTE),
  u32(LYING_COUNT),
  ncName('a'),
  u32(NC_CHAR),
  u32(LYING_COUNT),
  Buffer.from('abcd'),
  ABSENT, // no variables
]);
/** One attribute whose value claims 4294967277 bytes. */
const lyingValue = Buffer.concat([
  CDF1,
  u32(0),
  ABSENT,
  u32(NC_ATTRIBUTE),
  u32(1),
  ncName('title'),
  u32(NC_CHAR),
  u32(LYING_COUNT),
  Buffer.from('abcd'),
  ABSENT,
]);
/** 2^32-1 dimensions in a file of a few bytes. */
const hugeDimensions = Buffer.concat([CDF1, u32(0), u32(NC_DIMENSION), u32(0xffffffff), ncName('x'), u32(3)]);
/** Within the cap on dimensions, but far more than the bytes left hold. */
const manyDimensions = Buffer.concat([
  CDF1,
  u32(0),
  u32(NC_DIMENSION),
  u32(MAX_DIMENSIONS),
  ncName('x'),
  u32(3),
]);
/** A CDF-5 header whose 64-bit record count is past what a double holds exactly. */
const hugeCdf5 = Buffer.concat([Buffer.from('CDF\x05', 'latin1'), Buffer.alloc(8, 0xff)]);

let storageDir: string;
const SERIES = 'S1';
const RUN = 'runs/0000_a=1';

async function put(name: string, body: Buffer | string): Promise<string> {
  const file = path.join(storageDir, SERIES, RUN, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, body);
  return `${RUN}/${name}`;
}

/** A file whose first line is 100 MB, written in 1 MB pieces. */
async function writeHundredMegabyteLine(file: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    const piece = Buffer.from('1.5,'.repeat(256 * 1024));
    for (let i = 0; i < 100; i++) await handle.write(piece);
    await handle.write('\n2,3\n');
  } finally {
    await handle.close();
  }
}

const message = (preview: Preview) => {
  assert.equal(preview.kind, 'none', `expected no preview, got ${preview.kind}`);
  return (preview as { message: string }).message;
};

// The timeout only turns a hang (as on the old reader) into a failure; nothing is timed.
describe('previews of hostile files return, saying why', { timeout: 120_000 }, () => {
  before(async () => {
    storageDir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-previews-'));
  });
  after(() => rm(storageDir, { recursive: true, force: true }));

  test('a NetCDF count of 4294967277 (the 32-bit pad4 loop) is refused at once', async () => {
    const lists = message(await loadPreview(storageDir, SERIES, await put('lying.nc', lyingAttributes)));
    assert.match(lists, /^NetCDF header not readable: the header lists 4294967277 attributes at byte 20/);
    const value = message(await loadPreview(storageDir, SERIES, await put('value.nc', lyingValue)));
    assert.match(
      value,
      /claims 4294967277 values of attribute 'title', more than the \d+ bytes left can hold/,
    );
  });

  test('huge dimension counts, and counts larger than the bytes left, are refused', async () => {
    assert.match(
      message(await loadPreview(storageDir, SERIES, await put('dims.nc', hugeDimensions))),
      /lists 4294967295 dimensions at byte 12, more than the 1024 a preview reads/,
    );
    assert.match(
      message(await loadPreview(storageDir, SERIES, await put('many.nc', manyDimensions))),
      /claims 1024 dimensions, more than the \d+ bytes left can hold/,
    );
    assert.match(
      message(await loadPreview(storageDir, SERIES, await put('cdf5.nc', hugeCdf5))),
      /count too large at byte 4/,
    );
  });

  test('every truncation of a real NetCDF file of each version is an error, never a hang or a crash', async () => {
    for (const name of ['sample-cdf1.nc', 'sample-cdf2.nc', 'sample-cdf5.nc']) {
      const whole = fixture(name);
      // The header is the first few hundred bytes; every cut inside it must be reported.
      for (let length = 4; length < 600; length++) {
        const preview = await loadPreview(storageDir, SERIES, await put('cut.nc', whole.subarray(0, length)));
        if (preview.kind === 'netcdf') continue; // the cut fell after the header
        assert.match(
          message(preview),
          /^NetCDF header not readable: .*(truncated|tag)/,
          `${name} cut at ${length}`,
        );
      }
    }
  });

  test('a header longer than the bytes a preview reads is "too large"', async () => {
    const longName = 'n'.repeat(300 * 1024);
    const bytes = Buffer.concat([
      CDF1,
      u32(0),
      u32(NC_DIMENSION),
      u32(1),
      ncName(longName),
      u32(3),
      ABSENT,
      ABSENT,
    ]);
    assert.match(
      message(await loadPreview(storageDir, SERIES, await put('long.nc', bytes))),
      /^preview too large: the NetCDF header is longer than the first 256 KB/,
    );
  });

  test('a CSV whose first line is 100 MB is "too large"; only its beginning is read', async () => {
    const relative = `${RUN}/wide.csv`;
    await put('wide.csv', '');
    await writeHundredMegabyteLine(path.join(storageDir, SERIES, relative));
    assert.match(
      message(await loadPreview(storageDir, SERIES, relative)),
      /^preview too large: the first line is longer than the first 256 KB/,
    );
  });

  test('a CSV of very many columns keeps a bounded table', async () => {
    const row = Array.from({ length: 20_000 }, (_, i) => String(i)).join(',');
    const preview = await loadPreview(storageDir, SERIES, await put('columns.csv', `${row}\n${row}\n`));
    assert.equal(preview.kind, 'csv');
    assert.ok(preview.kind === 'csv' && preview.rows.every((r) => r.length <= 100));
  });

  test('a binary file is named as such, whatever its extension', async () => {
    const bytes = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0xff, 0xfe]);
    for (const name of ['program', 'data.csv', 'out.json', 'blob.nc']) {
      assert.match(
        message(await loadPreview(storageDir, SERIES, await put(name, bytes))),
        /^binary file/,
        name,
      );
    }
  });

  test('a preview past its deadline says it took too long', async () => {
    let clock = 0;
    const expired = deadlineIn(0, () => clock++);
    const relative = await put('fine.csv', 'a,b\n1,2\n3,4\n');
    assert.equal((await loadPreview(storageDir, SERIES, relative)).kind, 'csv');
    assert.match(message(await loadPreview(storageDir, SERIES, relative, expired)), /^preview took too long/);
  });

  test('a link out of the series is not previewed', async () => {
    const link = path.join(storageDir, SERIES, RUN, 'passwd.txt');
    await symlink('/etc/passwd', link);
    assert.match(
      message(await loadPreview(storageDir, SERIES, `${RUN}/passwd.txt`)),
      /^not previewed: .*outside the series directory \(through a link\)/,
    );
  });
});

describe('the run page with hostile outputs', { timeout: 300_000 }, () => {
  let server: WebTestServer;
  let token: string;
  before(async () => {
    server = await startWebTestServer();
    token = (await createApiToken(server.db, server.ids.admin, 'previews')).token;
  });
  after(() => server?.close());

  test('renders, and says why each hostile file is not previewed', async () => {
    // Run 0 of the seeded series has field.nc and trace.csv: replace them with hostile ones.
    const runs = path.join(server.storageDir, server.completed.id, 'runs');
    const dir = (await readdir(runs)).sort()[0]!;
    await writeFile(path.join(runs, dir, 'field.nc'), lyingAttributes);
    await writeHundredMegabyteLine(path.join(runs, dir, 'trace.csv'));
    const response = await fetch(`${server.url}/series/${server.completed.id}/runs/0`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /NetCDF header not readable: the header lists 4294967277 attributes/);
    assert.match(html, /preview too large: the first line is longer than the first 256 KB/);
  });
});
