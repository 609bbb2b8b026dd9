// Packages over the HTTP API, against a real database and Temporal: hostile archives answer
// 400 naming the entry; uploads are capped while they stream and quota'd per user; packages
// are listed and deleted by their owner (or an admin), never while a running series needs
// them, and purged when unused; cloning cannot borrow another user's package; and a series
// whose configs would render past the limit is refused before anything is stored.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { purgeUnusedPackages } from '../../api/series/package-purge.ts';
import { loadConfig, type Config } from '../../config.ts';
import { uploadScratchDir } from '../../api/series/packages.ts';
import { findPackage } from '../../db/packages.ts';
import { packages, series } from '../../db/schema.ts';
import { createLogger } from '../../log.ts';
import { createHarness, ECHO_APP, type ApiHarness, type TestUser } from '../api/harness.ts';
import { backends, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { attacks, makeArchive, type ArchiveKind } from './package-archives.ts';

const KiB = 1024;
const TTL_MS = 3_600_000;

let temporal: TestTemporal;
let database: TestDatabase;
let h: ApiHarness;
let config: Config;
let scratch: string;

before(async () => {
  temporal = await startTemporal();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'tuplet-security-package-api-'));
  const base = loadConfig({ TUPLET_LOG_LEVEL: 'silent', TEMPORAL_NAMESPACE: temporal.namespace });
  config = {
    ...base,
    maxTuples: 10_000,
    limits: {
      ...base.limits,
      packageBytes: 256 * KiB,
      packageQuotaBytes: 400 * KiB,
      packageTtlMs: TTL_MS,
      renderedBytes: 4 * KiB,
    },
  };
});
after(async () => {
  await temporal?.stop();
  await rm(scratch, { recursive: true, force: true });
});

interface Uploaded {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function upload(user: TestUser, body: BodyInit, name = 'inputs'): Promise<Uploaded> {
  const response = await h.app.request(`/api/v1/packages?name=${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream' },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: response.status, body: await response.json() };
}

let archives = 0;
/** A stored zip of about `size` bytes of incompressible-enough text. */
async function zipOf(size: number): Promise<Uint8Array<ArrayBuffer>> {
  const data = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
  const file = makeArchive(scratch, `z${archives++}.zip`, 'zip', [{ name: 'inputs/data.txt', data }]);
  return new Uint8Array(await readFile(file));
}

const storedFiles = async () => (await readdir(path.join(h.storageDir, 'packages')).catch(() => [])).sort();
const rowsOf = (ownerId: string) => h.db.select().from(packages).where(eq(packages.ownerId, ownerId));

async function createSeries(user: TestUser, packageId?: string) {
  return h.request('POST', '/api/v1/series', {
    token: user.token,
    body: {
      application: ECHO_APP,
      host: 'local',
      ini: 'x = 1 2\n',
      ...(packageId ? { package: packageId } : {}),
    },
  });
}

for (const kind of backends) {
  void describe(`packages over the API on ${kind}`, () => {
    before(async () => {
      database = await openTestDatabase(kind);
      h = await createHarness(database.db, temporal, { config });
    });
    after(async () => {
      await h?.close();
      await database?.close();
    });
    void describe('hostile archives', () => {
      const cases: Array<[number, ArchiveKind]> = [
        [0, 'tar'], // d -> .tuplet, then d/command.sh
        [1, 'zip'], // t -> ., then t/tuples.tsv
        [2, 'tar.gz'], // the chain sub/x -> .., sub/a -> x/..
        [3, 'tar'], // a hard link
        [4, 'zip'], // .tuplet/command.sh
      ];
      for (const [index, kind] of cases) {
        const attack = attacks[index]!;
        void test(`POST /api/v1/packages answers 400 naming the entry: ${kind} with ${attack.title}`, async () => {
          const before = await storedFiles();
          const file = makeArchive(scratch, `attack-${index}.${kind}`, kind, attack.entries);
          const answer = await upload(h.bob, new Uint8Array(await readFile(file)));
          assert.equal(answer.status, 400, JSON.stringify(answer.body));
          assert.equal(answer.body.error.code, 'invalid_package');
          assert.ok(
            answer.body.error.message.includes(JSON.stringify(attack.entry)),
            answer.body.error.message,
          );
          assert.deepEqual(await storedFiles(), before);
          assert.deepEqual(await rowsOf(h.bob.id), []);
        });
      }
    });

    void describe('upload size and quota', () => {
      void test('a body past TUPLET_MAX_PACKAGE_BYTES is cut off while it streams', async () => {
        const total = 64 * 256 * KiB;
        let pulled = 0;
        const endless = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulled >= total) return controller.close();
            const chunk = new Uint8Array(64 * KiB).fill(0x61);
            pulled += chunk.length;
            controller.enqueue(chunk);
          },
        });
        const answer = await upload(h.bob, endless);
        assert.equal(answer.status, 413, JSON.stringify(answer.body));
        assert.equal(answer.body.error.code, 'too_large');
        assert.match(answer.body.error.message, new RegExp(`larger than ${256 * KiB} bytes`));
        assert.ok(pulled < total / 4, `read ${pulled} of ${total} bytes`);
        assert.deepEqual(await rowsOf(h.bob.id), []);
        // The refused body's scratch file (api/series/packages.ts uploadScratchDir) is gone too.
        assert.deepEqual(await readdir(uploadScratchDir(h.storageDir)).catch(() => []), []);
        assert.deepEqual(
          (await storedFiles()).filter((n) => n.endsWith('.partial')),
          [],
        );
      });

      void test('a declared length past the cap is refused before the body is read', async () => {
        let pulled = 0;
        const body = new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              pulled += 1;
              controller.enqueue(new Uint8Array(300 * KiB));
              controller.close();
            },
          },
          { highWaterMark: 0 },
        );
        const response = await h.app.request('/api/v1/packages', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${h.bob.token}`,
            'content-type': 'application/octet-stream',
            'content-length': String(300 * KiB),
          },
          body,
          duplex: 'half',
        } as RequestInit);
        assert.equal(response.status, 413);
        assert.equal(pulled, 0);
      });

      void test("a user's packages may not hold more than TUPLET_PACKAGE_QUOTA_BYTES", async () => {
        const first = await upload(h.alice, await zipOf(150 * KiB), 'first');
        const second = await upload(h.alice, await zipOf(150 * KiB), 'second');
        assert.equal(first.status, 201, JSON.stringify(first.body));
        assert.equal(second.status, 201, JSON.stringify(second.body));
        const used = first.body.uploadedBytes + second.body.uploadedBytes;

        const third = await upload(h.alice, await zipOf(150 * KiB), 'third');
        assert.equal(third.status, 413, JSON.stringify(third.body));
        assert.equal(third.body.error.code, 'quota_exceeded');
        assert.match(third.body.error.message, new RegExp(`quota of ${400 * KiB} bytes`));
        assert.match(third.body.error.message, new RegExp(`hold ${used} bytes`));
        assert.equal((await rowsOf(h.alice.id)).length, 2);

        // Bob's quota is his own.
        const bobs = await upload(h.bob, await zipOf(150 * KiB), 'bobs');
        assert.equal(bobs.status, 201, JSON.stringify(bobs.body));

        // Deleting one makes room again.
        const deleted = await h.request('DELETE', `/api/v1/packages/${second.body.id}`, {
          token: h.alice.token,
        });
        assert.equal(deleted.status, 204, deleted.text);
        const again = await upload(h.alice, await zipOf(150 * KiB), 'again');
        assert.equal(again.status, 201, JSON.stringify(again.body));
      });
    });

    void describe('listing and deleting', () => {
      void test('a member lists their own packages, an admin everyone’s', async () => {
        const mine = await h.request('GET', '/api/v1/packages', { token: h.alice.token });
        assert.equal(mine.status, 200, mine.text);
        assert.ok(mine.body.packages.length > 0);
        assert.ok(mine.body.packages.every((p: { owner: string }) => p.owner === h.alice.name));
        assert.equal(mine.body.quotaBytes, 400 * KiB);
        const rows = await rowsOf(h.alice.id);
        assert.equal(
          mine.body.usedBytes,
          rows.reduce((sum, r) => sum + r.uploadedBytes, 0),
        );

        const all = await h.request('GET', '/api/v1/packages', { token: h.admin.token });
        const owners = new Set(all.body.packages.map((p: { owner: string }) => p.owner));
        assert.ok(owners.has(h.alice.name) && owners.has(h.bob.name), JSON.stringify([...owners]));
      });

      void test("a member cannot delete another's package; nobody deletes one a running series needs", async () => {
        const pkg = await upload(h.bob, await zipOf(10 * KiB), 'needed');
        assert.equal(pkg.status, 201);
        const byAlice = await h.request('DELETE', `/api/v1/packages/${pkg.body.id}`, {
          token: h.alice.token,
        });
        assert.equal(byAlice.status, 403);

        const created = await createSeries(h.bob, pkg.body.id);
        assert.equal(created.status, 201, created.text);
        const [row] = await h.db.select().from(series).where(eq(series.id, created.body.id));
        assert.equal(row!.packageId, pkg.body.id);
        // The package is found by its id in storage (packages/<id>.pkg); the path is for old rows.
        assert.equal(row!.packagePath, null);

        for (const user of [h.bob, h.admin]) {
          const refused = await h.request('DELETE', `/api/v1/packages/${pkg.body.id}`, { token: user.token });
          assert.equal(refused.status, 409, refused.text);
          assert.ok(refused.body.error.message.includes(created.body.id), refused.body.error.message);
        }

        await h.db.update(series).set({ state: 'completed' }).where(eq(series.id, created.body.id));
        const byAdmin = await h.request('DELETE', `/api/v1/packages/${pkg.body.id}`, {
          token: h.admin.token,
        });
        assert.equal(byAdmin.status, 204, byAdmin.text);
        await assert.rejects(stat(path.join(h.storageDir, 'packages', `${pkg.body.id}.pkg`)), {
          code: 'ENOENT',
        });
        assert.equal(await findPackage(h.db, pkg.body.id), undefined);
      });
    });

    void describe('cloning', () => {
      void test("a member cannot clone another user's series onto that user's package", async () => {
        const alices = await upload(h.alice, await zipOf(5 * KiB), 'private');
        assert.equal(alices.status, 201, JSON.stringify(alices.body));
        const source = await createSeries(h.alice, alices.body.id);
        assert.equal(source.status, 201, source.text);
        const before = await h.rowCounts();

        const borrowed = await h.request('POST', `/api/v1/series/${source.body.id}/clone`, {
          token: h.bob.token,
        });
        assert.equal(borrowed.status, 403, borrowed.text);
        assert.match(borrowed.body.error.message, /package of another user; give your own package/);
        // Naming Alice's package outright is no better.
        const named = await h.request('POST', `/api/v1/series/${source.body.id}/clone`, {
          token: h.bob.token,
          body: { package: alices.body.id },
        });
        assert.equal(named.status, 403, named.text);
        assert.deepEqual(await h.rowCounts(), before);

        // With his own package, Bob's clone runs on it.
        const bobs = await upload(h.bob, await zipOf(5 * KiB), 'bobs-own');
        const own = await h.request('POST', `/api/v1/series/${source.body.id}/clone`, {
          token: h.bob.token,
          body: { package: bobs.body.id },
        });
        assert.equal(own.status, 201, own.text);
        const [clone] = await h.db.select().from(series).where(eq(series.id, own.body.id));
        assert.equal(clone!.packageId, bobs.body.id);
        assert.equal(clone!.parentId, source.body.id);

        // The owner (and an admin) clone onto the same package.
        for (const user of [h.alice, h.admin]) {
          const again = await h.request('POST', `/api/v1/series/${source.body.id}/clone`, {
            token: user.token,
          });
          assert.equal(again.status, 201, again.text);
          const [row] = await h.db.select().from(series).where(eq(series.id, again.body.id));
          assert.equal(row!.packageId, alices.body.id);
        }
      });
    });

    void describe('purging unused packages', () => {
      void test('a package stored before packages had rows gets one, counted and usable', async () => {
        const deps = { db: h.db, storageDir: h.storageDir, config, logger: createLogger('silent') };
        const id = `legacy${kind}`;
        const dir = path.join(h.storageDir, 'packages');
        await mkdir(dir, { recursive: true });
        const zip = await zipOf(KiB);
        await writeFile(path.join(dir, `${id}.pkg`), zip);
        const meta = { id, ownerId: h.admin.id, name: 'old.zip', format: 'zip', entries: 1, bytes: KiB };
        await writeFile(path.join(dir, `${id}.json`), JSON.stringify({ ...meta, uploadedBytes: zip.length }));

        assert.deepEqual(await purgeUnusedPackages(deps), []);
        assert.equal((await findPackage(h.db, id))?.uploadedBytes, zip.length);
        assert.ok(!(await storedFiles()).includes(`${id}.json`));
        const created = await createSeries(h.admin, id);
        assert.equal(created.status, 201, created.text);
      });

      void test('packages unused for the TTL go, unless an unfinished series refers to them', async () => {
        const deps = { db: h.db, storageDir: h.storageDir, config, logger: createLogger('silent') };
        const user = h.bob;
        const idle = await upload(user, await zipOf(KiB), 'idle');
        const busy = await upload(user, await zipOf(KiB), 'busy');
        const fresh = await upload(user, await zipOf(KiB), 'fresh');
        const created = await createSeries(user, busy.body.id);
        assert.equal(created.status, 201, created.text);

        const later = new Date(Date.now() + TTL_MS + 60_000);
        // Used just before the purge: its TTL starts again.
        await h.db
          .update(packages)
          .set({ lastUsedAt: new Date(later.getTime() - 1000) })
          .where(eq(packages.id, fresh.body.id));

        const purged = await purgeUnusedPackages(deps, later);
        assert.ok(purged.includes(idle.body.id), JSON.stringify(purged));
        assert.ok(!purged.includes(busy.body.id) && !purged.includes(fresh.body.id), JSON.stringify(purged));
        assert.equal(await findPackage(h.db, idle.body.id), undefined);
        await assert.rejects(stat(path.join(h.storageDir, 'packages', `${idle.body.id}.pkg`)), {
          code: 'ENOENT',
        });
        assert.ok(await findPackage(h.db, busy.body.id));
        assert.ok((await stat(path.join(h.storageDir, 'packages', `${busy.body.id}.pkg`))).isFile());

        // Once its series has finished, the busy one is unused too.
        await h.db.update(series).set({ state: 'failed' }).where(eq(series.id, created.body.id));
        assert.ok((await purgeUnusedPackages(deps, later)).includes(busy.body.id));
        assert.ok(await findPackage(h.db, fresh.body.id));
      });
    });

    void describe('rendered size', () => {
      // 20 tuples of a template of about 250 bytes: about 5 KiB, over the 4 KiB limit.
      const ini = `# ${'padding '.repeat(28)}\nx = 1...1...20\n`;

      void test('a series whose configs would render past the limit is refused before anything is stored', async () => {
        const before = await h.rowCounts();
        const created = await h.request('POST', '/api/v1/series', {
          token: h.bob.token,
          body: { application: ECHO_APP, host: 'local', ini },
        });
        assert.equal(created.status, 413, created.text);
        const bytes = Buffer.byteLength(ini);
        assert.ok(
          created.body.error.message.includes(`${bytes * 20} bytes (${bytes} template bytes × 20 tuples)`),
          created.body.error.message,
        );
        assert.ok(
          created.body.error.message.includes(`limit of ${4 * KiB} bytes`),
          created.body.error.message,
        );
        assert.deepEqual(await h.rowCounts(), before);

        const preview = await h.request('POST', '/api/v1/sweeps/preview', {
          token: h.bob.token,
          body: { ini },
        });
        assert.equal(preview.status, 413, preview.text);
        assert.equal(preview.body.error.code, 'too_large');
      });
    });
  });
}
