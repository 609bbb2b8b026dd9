// A series end to end with TUPLET_STORAGE_URL at a real S3-compatible server (moto, started
// here): the local host's outputs and the post-processing folder land in the bucket, not on the
// API machine's disk; the API lists them with their sha256, downloads match, Range requests are
// answered 206/416 and malformed ones refused, the series page previews an output, the archive
// is built from the bucket and downloads. Attacks: `..` and absolute paths in file URLs cannot
// reach another series' objects in the same bucket.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { Parser } from 'tar';
import { S3Storage } from '../../files/storage/s3.ts';
import { startS3Server, TEST_S3_CREDENTIALS, type TestS3Server } from '../support/s3-server.ts';
import { startTestStack, waitForSeries, type InProcessStack, type SeriesBody } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

interface FileRow {
  path: string;
  size: number;
  sha256: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('a series with its outputs in S3', { timeout: 600_000 }, () => {
  let s3: TestS3Server;
  let bucket: S3Storage;
  let temporal: TestTemporal;
  let stack: InProcessStack;
  const ids: string[] = [];

  before(async () => {
    [s3, temporal] = await Promise.all([startS3Server(), startTemporal()]);
    bucket = new S3Storage(s3.options('tuplet'));
    stack = await startTestStack({ temporalAddress: temporal.address, env: s3.env('tuplet') });
    const app = await stack.request('POST', '/api/v1/applications', {
      name: 's3-writer',
      // A text output, metrics, and a file of ~290 KB (more than a preview reads).
      command:
        'x=$(sed -n "s/^x *= *//p" config.ini); echo "hello from run $x" > out.txt; echo "{\\"x\\": $x}" > metrics.json; seq 1 50000 > numbers.txt; env > env.txt',
      postprocess: 'cut -f 2 runs.tsv > postprocess/dirs.txt',
      description: 'writes outputs for the S3 test',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    for (let i = 0; i < 2; i++) {
      const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
        application: 's3-writer',
        host: 'local',
        ini: '[p]\nx = 1 2 3\n',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ids.push(created.body.id);
    }
    for (const id of ids) {
      const series = await waitForSeries<SeriesBody>(stack, id, (s) =>
        ['completed', 'completed_with_failures', 'failed'].includes(s.state),
      );
      assert.equal(series.state, 'completed', JSON.stringify(series));
    }
  });
  after(async () => {
    bucket?.close();
    await stack?.stop();
    await Promise.all([temporal?.stop(), s3?.stop()]);
  });

  async function keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const o of bucket.list(prefix)) out.push(o.key);
    return out;
  }

  const fileUrl = (id: string, rel: string) => `/api/v1/series/${id}/runs/0/files/${rel}`;

  async function filesOf(id: string): Promise<FileRow[]> {
    const listing = await stack.request<{ files: FileRow[] }>('GET', `/api/v1/series/${id}/runs/0/files`);
    assert.equal(listing.status, 200, JSON.stringify(listing.body));
    return listing.body.files;
  }

  test('outputs, metrics and the post-processing folder are in the bucket, not on disk', async () => {
    const id = ids[0]!;
    const stored = await keys(`${id}/runs`);
    assert.ok(
      stored.some((k) => /\/runs\/0[^/]*\/out\.txt$/.test(k)),
      stored.join(', '),
    );
    assert.ok((await keys(`${id}/postprocess`)).includes(`${id}/postprocess/dirs.txt`));
    assert.equal(existsSync(path.join(stack.dataDir, 'storage', id)), false);
    const files = await filesOf(id);
    assert.deepEqual(
      files.map((f) => f.path).filter((p) => !p.startsWith('.tuplet/')),
      ['config.ini', 'env.txt', 'metrics.json', 'numbers.txt', 'out.txt'],
    );
    const { body } = await stack.request<{ runs: Array<{ metrics: unknown }> }>(
      'GET',
      `/api/v1/series/${id}/runs`,
    );
    assert.deepEqual(body.runs[0]!.metrics, { x: 1 });
    const post = await stack.request<{ files: Array<{ path: string }>; log: string | null }>(
      'GET',
      `/api/v1/series/${id}/postprocess`,
    );
    assert.deepEqual(
      post.body.files.map((f) => f.path),
      ['dirs.txt'],
    );
  });

  test('a download matches the indexed sha256; Range requests answer 206 and 416', async () => {
    const id = ids[0]!;
    const numbers = (await filesOf(id)).find((f) => f.path === 'numbers.txt')!;
    const rel = numbers.path;
    const whole = await stack.fetch(fileUrl(id, rel));
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    assert.equal(bytes.length, numbers.size);
    assert.equal(sha256(bytes), numbers.sha256);

    const part = await stack.fetch(fileUrl(id, rel), { headers: { range: 'bytes=100000-100009' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100000-100009/${numbers.size}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100000, 100010));

    const tail = await stack.fetch(fileUrl(id, rel), { headers: { range: 'bytes=-6' } });
    assert.equal(tail.status, 206);
    assert.equal(await tail.text(), '50000\n');

    const open = await stack.fetch(fileUrl(id, rel), { headers: { range: `bytes=${numbers.size - 3}-` } });
    assert.equal(open.status, 206);
    assert.equal(
      open.headers.get('content-range'),
      `bytes ${numbers.size - 3}-${numbers.size - 1}/${numbers.size}`,
    );

    const beyond = await stack.fetch(fileUrl(id, rel), { headers: { range: `bytes=${numbers.size}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${numbers.size}`);
  });

  test('attack: malformed Range headers are refused with 400 naming the header', async () => {
    const id = ids[0]!;
    for (const range of [
      'bytes=abc',
      'bytes=9-2',
      'bytes=0-1,4-5',
      'items=0-1',
      'bytes=-',
      'bytes=99999999999999999-',
    ]) {
      const answer = await stack.fetch(fileUrl(id, 'out.txt'), { headers: { range } });
      assert.equal(answer.status, 400, range);
      const body = (await answer.json()) as { error: { message: string } };
      assert.match(body.error.message, /Range header/, range);
    }
  });

  test("attack: `..` and absolute paths cannot reach another series' objects in the bucket", async () => {
    const [id, other] = [ids[0]!, ids[1]!];
    const { body } = await stack.request<{ runs: Array<{ dir: string }> }>(
      'GET',
      `/api/v1/series/${other}/runs`,
    );
    const otherOut = { path: `runs/${body.runs[0]!.dir}/out.txt` };
    const escapes = [
      `/api/v1/series/${id}/runs/0/files/..%2F..%2F..%2F${other}%2F${encodeURIComponent(otherOut.path)}`,
      `/api/v1/series/${id}/runs/0/files/%2F${other}%2F${encodeURIComponent(otherOut.path)}`,
      `/web-api/series/${id}/files/..%2F${other}%2F${encodeURIComponent(otherOut.path)}`,
      `/web-api/series/${id}/files/%2Ftuplet%2F${other}%2F${encodeURIComponent(otherOut.path)}`,
      `/api/v1/series/${id}/postprocess/files/..%2F..%2F${other}%2Fpostprocess%2Fdirs.txt`,
    ];
    for (const url of escapes) {
      const answer = await stack.fetch(url);
      assert.equal(answer.status, 400, `${url}: ${answer.status}`);
      assert.doesNotMatch(await answer.text(), /hello from run/);
    }
    // The same file through its own series is served: the refusal is the path's, not the file's.
    const own = await stack.fetch(`/web-api/series/${other}/files/${otherOut.path}`);
    assert.equal(own.status, 200);
    assert.match(await own.text(), /hello from run 1/);
  });

  test("the run page previews an output read from the bucket, and the archive holds the series' files", async () => {
    const id = ids[0]!;
    const page = await stack.fetch(`/series/${id}/runs/0`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /hello from run 1/);

    const archive = await stack.fetch(`/api/v1/series/${id}/archive`);
    assert.equal(archive.status, 200);
    const tgz = Buffer.from(await archive.arrayBuffer());
    const { body } = await stack.request<{ archive: { size: number; sha256: string } | null }>(
      'GET',
      `/api/v1/series/${id}`,
    );
    assert.equal(body.archive?.size, tgz.length);
    assert.equal(body.archive?.sha256, sha256(tgz));
    const entries = new Map<string, string>();
    await pipeline(
      Readable.from([tgz]),
      new Parser({
        onReadEntry(entry) {
          const chunks: Buffer[] = [];
          entry.on('data', (c: Buffer) => chunks.push(c));
          entry.on('end', () => entries.set(entry.path, Buffer.concat(chunks).toString('utf8')));
        },
      }),
    );
    const out = [...entries.keys()].find((k) => /^[a-z0-9]+\/runs\/0[^/]*\/out\.txt$/.test(k));
    assert.ok(out, [...entries.keys()].join(', '));
    assert.equal(entries.get(out), 'hello from run 1\n');
    assert.ok(entries.has(`${id}/postprocess/dirs.txt`));
    assert.ok(![...entries.keys()].some((k) => k.includes('.file-index')), 'no file index in the archive');

    const ranged = await stack.fetch(`/api/v1/series/${id}/archive`, { headers: { range: 'bytes=0-1' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual([...Buffer.from(await ranged.arrayBuffer())], [0x1f, 0x8b]);
  });

  test("the S3 credentials reach no run's environment and no stored row", async () => {
    const env = await (await stack.fetch(fileUrl(ids[0]!, 'env.txt'))).text();
    assert.match(env, /PATH=/);
    const rows = await stack.stack.database.db.execute(
      sql`SELECT (SELECT string_agg(s::text, '') FROM series s) || (SELECT string_agg(f::text, '') FROM files f) AS text`,
    );
    const text = JSON.stringify(rows);
    assert.ok(text.includes(ids[0]!), 'the query saw the series');
    for (const secret of [TEST_S3_CREDENTIALS.secretAccessKey, TEST_S3_CREDENTIALS.accessKeyId]) {
      assert.equal(env.includes(secret), false);
      assert.equal(text.includes(secret), false);
    }
  });
});
