// POST /series/import against hostile archives, written by Python's tarfile (it stores whatever
// names, links and sizes it is given, as an attacker's tool would): entries climbing out with
// `../`, links, a manifest naming run directories or files outside the series, an oversized
// manifest, files the manifest does not list or lists with another hash, and a manifest whose
// application command would run. Each is refused with a 400 naming the entry or field, and
// leaves no row, no stored file and nothing outside the storage; the command never runs: the
// imported series stays finished and every path that would run it refuses.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSeriesPlan } from '../../activities/control/series.ts';
import { MAX_MANIFEST_BYTES } from '../../api/exports/manifest.ts';
import { loadConfig } from '../../config.ts';
import { createHarness, type ApiHarness } from '../api/harness.ts';
import { sha256 } from '../exports/fixtures.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { makeArchive, type ArchiveEntry } from './package-archives.ts';

const OUT = 'hi\n';
const DIR0 = '0_a=1';

function manifest() {
  const run = (index: number) => ({
    index,
    dir: `${index}_a=${index + 1}`,
    params: { 'm.a': String(index + 1) },
    state: 'succeeded',
    exitCode: 0,
    reason: null,
    attempt: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    metrics: { x: index },
  });
  return {
    format: 'tuplet-series-archive',
    version: 1,
    exportedAt: '2026-01-02T00:00:00.000Z',
    series: {
      id: 'source000001',
      application: 'echo',
      applicationSnapshot: { name: 'echo', command: 'cat config.ini', configFile: 'config.ini' },
      host: 'local',
      ini: '[m]\na = 1 2\n',
      resources: {},
      description: 'from elsewhere',
      tags: [],
      count: 2,
      state: 'completed',
      reason: null,
      attempt: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      startedAt: null,
      finishedAt: null,
    },
    runs: [run(0), run(1)],
    files: [{ path: `runs/${DIR0}/out.txt`, run: 0, size: OUT.length, sha256: sha256(OUT) }],
  };
}
type Manifest = ReturnType<typeof manifest>;

const manifestEntry = (m: unknown): ArchiveEntry => ({ name: 'manifest.json', data: JSON.stringify(m) });
const outEntry: ArchiveEntry = { name: `files/runs/${DIR0}/out.txt`, data: OUT };

interface Case {
  title: string;
  entries: () => ArchiveEntry[];
  /** What the refusal must say (naming the entry or field). */
  message: RegExp;
}

const changed = (edit: (m: Manifest) => void) => {
  const m = manifest();
  edit(m);
  return m;
};

const cases: Case[] = [
  {
    title: 'an entry climbing out with ../',
    entries: () => [manifestEntry(manifest()), outEntry, { name: '../escape.txt', data: 'x' }],
    message: /archive entry "\.\.\/escape\.txt" would land outside/,
  },
  {
    title: 'a file entry whose path climbs out of files/ with ../',
    entries: () => [manifestEntry(manifest()), { name: 'files/runs/../../../escape.txt', data: OUT }],
    message: /archive entry "files\/runs\/\.\.\/\.\.\/\.\.\/escape\.txt" would land outside/,
  },
  {
    title: 'a symbolic link in place of a file',
    entries: () => [
      manifestEntry(manifest()),
      { name: `files/runs/${DIR0}/out.txt`, symlink: '/etc/passwd' },
    ],
    message: /archive entry "files\/runs\/0_a=1\/out\.txt" is a symbolic link/,
  },
  {
    title: 'a hard link in place of a file',
    entries: () => [
      manifestEntry(manifest()),
      { name: `files/runs/${DIR0}/out.txt`, hardlink: 'manifest.json' },
    ],
    message: /archive entry "files\/runs\/0_a=1\/out\.txt" is a hard link/,
  },
  {
    title: 'a manifest naming a run directory outside the series',
    entries: () => [
      manifestEntry(
        changed((m) => {
          m.runs[1]!.dir = '../../../etc';
        }),
      ),
      outEntry,
    ],
    message: /manifest\.json: runs\.1\.dir: a plain directory name/,
  },
  {
    title: 'a manifest naming a file outside the series',
    entries: () => [
      manifestEntry(
        changed((m) => {
          m.files[0]!.path = `runs/${DIR0}/../../../../etc/cron.d/x`;
        }),
      ),
      outEntry,
    ],
    message: /manifest\.json: files\.0\.path: a relative path in normal form/,
  },
  {
    title: "a manifest naming a file in another run's directory",
    entries: () => [
      manifestEntry(
        changed((m) => {
          m.files[0]!.run = 1;
        }),
      ),
      outEntry,
    ],
    message:
      /manifest\.json: files\.0\.path: 'runs\/0_a=1\/out\.txt' is not inside its run's directory runs\/1_a=2\//,
  },
  {
    title: 'an oversized manifest',
    entries: () => [{ name: 'manifest.json', data: ' '.repeat(MAX_MANIFEST_BYTES + 1) }, outEntry],
    message: /archive entry manifest\.json is \d+ bytes, more than the \d+ read/,
  },
  {
    title: 'a manifest of a series still running (with a command to run)',
    entries: () => [
      manifestEntry(
        changed((m) => {
          m.series.state = 'running';
          m.series.applicationSnapshot.command = 'touch MARKER';
        }),
      ),
      outEntry,
    ],
    message: /manifest\.json: series\.state: a final series state/,
  },
  {
    title: 'a manifest with a run still pending',
    entries: () => [
      manifestEntry(
        changed((m) => {
          m.runs[0]!.state = 'pending';
        }),
      ),
      outEntry,
    ],
    message: /manifest\.json: runs\.0\.state: a final run state/,
  },
  {
    title: 'a manifest with an unknown field',
    entries: () => [manifestEntry({ ...manifest(), hooks: { afterImport: 'touch MARKER' } }), outEntry],
    message: /manifest\.json: \(top\): Unrecognized key: "hooks"/,
  },
  {
    title: 'a file the manifest does not list',
    entries: () => [manifestEntry(manifest()), outEntry, { name: `files/runs/${DIR0}/extra.sh`, data: 'x' }],
    message: /archive entry "files\/runs\/0_a=1\/extra\.sh" is not a file the manifest lists/,
  },
  {
    title: 'a file whose bytes are not what the manifest hashed',
    entries: () => [manifestEntry(manifest()), { name: `files/runs/${DIR0}/out.txt`, data: 'ho\n' }],
    message: /archive entry "files\/runs\/0_a=1\/out\.txt" has sha256 [0-9a-f]{64}; the manifest says/,
  },
  {
    title: 'a file the manifest lists but the archive lacks',
    entries: () => [manifestEntry(manifest())],
    message: /manifest\.json lists "runs\/0_a=1\/out\.txt", which the archive lacks/,
  },
  {
    title: 'a file before the manifest',
    entries: () => [outEntry, manifestEntry(manifest())],
    message: /archive entry "files\/runs\/0_a=1\/out\.txt" comes before manifest\.json/,
  },
  {
    title: "an INI whose count is not the manifest's",
    entries: () => [
      manifestEntry(
        changed((m) => {
          m.series.ini = '[m]\na = 1 2 3\n';
        }),
      ),
      outEntry,
    ],
    message: /manifest\.json: series\.count: 2, but series\.ini expands to 3 tuples/,
  },
];

let temporal: TestTemporal | undefined;
let database: TestDatabase | undefined;
let h: ApiHarness;
let scratch = '';
before(async () => {
  const [server, opened] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
  temporal = server;
  database = opened;
  h = await createHarness(opened.db, server);
  scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-import-attacks-'));
});
after(async () => {
  await h?.close();
  await database?.close();
  await temporal?.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function upload(file: string, app = h.app) {
  const response = await app.request('/api/v1/series/import', {
    method: 'POST',
    headers: { authorization: `Bearer ${h.bob.token}`, 'content-type': 'application/gzip' },
    body: await readFile(file),
  });
  return {
    status: response.status,
    body: (await response.json()) as { id?: string; error?: { message: string } },
  };
}

/** What storage holds besides the uploads' folder: nothing, after a refused import. */
async function storedSeries(): Promise<string[]> {
  return (await readdir(h.storageDir)).filter((name) => name !== 'imports' && name !== 'work');
}

describe('series import refuses hostile archives', () => {
  cases.forEach((c, i) => {
    test(c.title, async () => {
      const before = await h.rowCounts();
      const file = makeArchive(scratch, `attack-${i}.tar.gz`, 'tar.gz', c.entries());
      const answer = await upload(file);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(answer.body.error!.message, c.message);
      assert.deepEqual(await h.rowCounts(), before);
      assert.deepEqual(await storedSeries(), []);
      assert.deepEqual(await readdir(path.join(h.storageDir, 'imports')), []);
      assert.equal(existsSync(path.join(h.storageDir, '..', 'escape.txt')), false);
    });
  });

  test('an archive larger than TUPLET_MAX_IMPORT_BYTES is refused (413)', async () => {
    const file = makeArchive(scratch, 'large.tar.gz', 'tar.gz', [manifestEntry(manifest()), outEntry]);
    const small = h.appWith({
      config: loadConfig({ TUPLET_LOG_LEVEL: 'silent', TUPLET_MAX_IMPORT_BYTES: '200' }),
    });
    const answer = await upload(file, small);
    assert.equal(answer.status, 413, JSON.stringify(answer.body));
    assert.match(answer.body.error!.message, /larger than 200 bytes \(TUPLET_MAX_IMPORT_BYTES\)/);
  });
});

describe('an imported application command never runs', () => {
  test('imported finished; rerun, post-processing and the plan loader refuse; the command left no mark', async () => {
    const marker = path.join(scratch, 'pwned');
    const hostile = changed((m) => {
      m.series.applicationSnapshot = {
        name: 'echo',
        command: `touch ${marker}`,
        configFile: 'config.ini',
        // @ts-expect-error: the snapshot's optional fields, set by an attacker
        setup: `touch ${marker}`,
        postprocess: `touch ${marker}`,
      };
      m.runs[1]!.state = 'failed';
      m.runs[1]!.exitCode = 1;
      m.series.state = 'completed_with_failures';
    });
    const file = makeArchive(scratch, 'command.tar.gz', 'tar.gz', [manifestEntry(hostile), outEntry]);
    const answer = await upload(file);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const id = answer.body.id!;
    for (const action of ['rerun', 'postprocess']) {
      const refused = await h.request('POST', `/api/v1/series/${id}/${action}`, {
        token: h.bob.token,
        body: action === 'rerun' ? { states: ['failed'] } : {},
      });
      assert.equal(refused.status, 409, `${action}: ${refused.text}`);
      assert.match(refused.body.error.message, /imported from an archive: .* never runs here/);
    }
    await assert.rejects(loadSeriesPlan(h.db, id, 1000), /imported from an archive/);
    const series = await h.request('GET', `/api/v1/series/${id}`, { token: h.bob.token });
    assert.equal(series.body.state, 'completed_with_failures');
    assert.equal(series.body.applicationSnapshot.command, `touch ${marker}`);
    assert.equal(existsSync(marker), false);
  });
});
