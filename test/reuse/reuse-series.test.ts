// Result reuse end to end (docs/reuse.md) on the real stack: Temporal dev server, PGlite, the
// local host. A resubmitted identical sweep is offered every tuple and, with `reuse: true`, runs
// nothing while every run shows succeeded and linked to its original; a sweep with one value
// changed reuses exactly the common tuples. Attacks: a member is never offered runs of a series
// they cannot see, another package or application version offers nothing, and a body that
// names sources is refused or ignored.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { create as createTar } from 'tar';
import { createApiToken, createUser } from '../../db/accounts.ts';
import { waitForSeriesEnd, type SeriesBody } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

interface RunBody {
  index: number;
  state: string;
  params: Record<string, string>;
  metrics: Record<string, unknown> | null;
  reusedFrom: { series: string; index: number } | null;
}

interface Offer {
  tuples: number;
  count: number;
  sources: Array<{ id: string; tuples: number }>;
}

const run = promisify(execFile);
const tuplet = path.resolve('bin/tuplet');
const APP = 'adder';
const INI = '[model]\na = 1 2 3\nb = 10 20\nc = 5\n';

describe('result reuse', { timeout: 600_000 }, () => {
  const testbed = useTestStack();
  let log: string;
  let alice: string;
  let bob: string;
  /** The first series: every later one reuses from it. */
  let original: SeriesBody;

  // Each run sums a and b from its config file into metrics.json and notes that it ran.
  const command = (version: string) =>
    `awk -F' = ' '$1=="a"||$1=="b"{s+=$2} END{printf "{\\"sum\\": %d}", s}' config.ini > metrics.json; ` +
    // One append per run: runs go at once, and two writes each could interleave.
    `line=$(grep -E '^(a|b) = ' config.ini | tr '\\n' ' '); echo "$line"${version} >> ${log}`;
  const ranLines = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);

  const api = <T>(method: string, route: string, body: unknown, token: string) =>
    testbed.stack.request<T>(method, route, body, token);
  const preview = async (token: string, fields: Record<string, unknown>) => {
    const answer = await api<{ reuse?: Offer }>(
      'POST',
      '/api/v1/sweeps/preview',
      { ini: INI, application: APP, host: 'local', ...fields },
      token,
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.reuse!;
  };
  const submit = async (token: string, fields: Record<string, unknown>) => {
    const created = await api<{ id: string; reused?: number }>(
      'POST',
      '/api/v1/series',
      { ini: INI, application: APP, host: 'local', ...fields },
      token,
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ended = await waitForSeriesEnd(testbed.stack, created.body.id);
    return { ...created.body, series: ended };
  };
  const runsOf = async (id: string) =>
    (await testbed.stack.request<{ runs: RunBody[] }>('GET', `/api/v1/series/${id}/runs?limit=1000`)).body
      .runs;

  before(async () => {
    log = path.join(testbed.stack.dataDir, 'ran.log');
    const db = testbed.stack.stack.database.db;
    const tokenOf = async (name: string) =>
      (await createApiToken(db, (await createUser(db, { name, role: 'member' })).id, 'test')).token;
    [alice, bob] = await Promise.all([tokenOf('alice'), tokenOf('bob')]);
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: APP,
      command: command('v1'),
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    // Two groups, each with the application and the host: alice in optics, bob in bio.
    for (const [group, member] of [
      ['optics', 'alice'],
      ['bio', 'bob'],
    ] as const) {
      assert.equal((await testbed.stack.request('POST', '/api/v1/groups', { name: group })).status, 201);
      for (const grant of [`applications/${APP}`, 'hosts/local']) {
        assert.equal(
          (await testbed.stack.request('PUT', `/api/v1/groups/${group}/${grant}`)).status,
          204,
          grant,
        );
      }
      const joined = await testbed.stack.request('PUT', `/api/v1/groups/${group}/members/${member}`, {
        role: 'member',
      });
      assert.equal(joined.status, 200, JSON.stringify(joined.body));
    }
    const first = await submit(alice, {});
    original = first.series;
    assert.equal(original.state, 'completed');
    assert.equal((await ranLines()).length, 6);
  });

  test('a resubmitted identical sweep is offered every tuple and, with reuse, runs nothing', async () => {
    const offer = await preview(alice, {});
    assert.deepEqual(offer, {
      tuples: 6,
      count: 6,
      sources: [{ id: original.id, description: '', tuples: 6 }],
    });
    // Equivalent resources are the same: no GPU is zero GPUs.
    assert.equal((await preview(alice, { resources: { gpus: 0 } })).tuples, 6);

    const second = await submit(alice, { reuse: true });
    assert.equal(second.reused, 6);
    assert.equal(second.series.state, 'completed');
    assert.equal(second.series.counts.succeeded, 6);
    assert.equal((await ranLines()).length, 6, 'no run ran again');
    const [mine, theirs] = await Promise.all([runsOf(second.id), runsOf(original.id)]);
    for (const run of mine) {
      assert.equal(run.state, 'succeeded');
      assert.deepEqual(run.reusedFrom, { series: original.id, index: run.index });
      assert.deepEqual(run.metrics, theirs[run.index]!.metrics);
    }
    assert.deepEqual(mine[4]!.metrics, { sum: 13 }, 'a=3, b=10');

    // Its files are the original's, served from there.
    const listing = await testbed.stack.request<{ files: Array<{ path: string }> }>(
      'GET',
      `/api/v1/series/${second.id}/runs/4/files`,
    );
    assert.ok(
      listing.body.files.some((f) => f.path === 'metrics.json'),
      JSON.stringify(listing.body),
    );
    const file = await testbed.stack.fetch(`/api/v1/series/${second.id}/runs/4/files/metrics.json`);
    assert.equal(file.status, 200);
    assert.deepEqual(JSON.parse(await file.text()), { sum: 13 });

    // The series page marks the reused runs and the run page links to the original.
    const page = await (await testbed.stack.fetch(`/series/${second.id}`)).text();
    assert.equal(page.split(`data-reused-from="${original.id}"`).length - 1, 6);
    const runPage = await (await testbed.stack.fetch(`/series/${second.id}/runs/4`)).text();
    assert.match(runPage, new RegExp(`href="/series/${original.id}/runs/4"`));
  });

  test('tuplet submit --preview says what could be reused, --reuse takes it', async () => {
    const file = path.join(testbed.stack.dataDir, 'sweep.ini');
    await writeFile(file, INI);
    const cli = (...args: string[]) =>
      run(tuplet, ['submit', file, '--app', APP, '--host', 'local', ...args], {
        env: { ...process.env, TUPLET_URL: testbed.stack.url, TUPLET_TOKEN: alice },
      });
    const preview = await cli('--preview');
    assert.equal(preview.stdout, `6 of 6 tuples already succeeded, in series ${original.id}: 6\n`);
    const before = (await ranLines()).length;
    const submitted = await cli('--reuse', '--wait');
    assert.match(submitted.stderr, /^6 of 6 tuples already succeeded/);
    assert.match(submitted.stderr, /: 6 runs, 6 reused\n/);
    assert.match(submitted.stdout, /completed, 6\/6 done, 6 succeeded/);
    assert.equal((await ranLines()).length, before, 'no run ran again');
  });

  test('reuse is never the default: the same sweep without it runs every tuple', async () => {
    const before = (await ranLines()).length;
    const third = await submit(alice, {});
    assert.equal(third.reused, undefined);
    assert.equal((await ranLines()).length, before + 6);
    assert.ok((await runsOf(third.id)).every((r) => r.reusedFrom === null));
  });

  test('a sweep with one value changed reuses exactly the common tuples', async () => {
    const changed = INI.replace('a = 1 2 3', 'a = 1 2 4');
    const offer = await preview(alice, { ini: changed });
    assert.equal(offer.tuples, 4);
    assert.equal(offer.count, 6);
    const before = (await ranLines()).length;
    const fourth = await submit(alice, { ini: changed, reuse: true });
    assert.equal(fourth.reused, 4);
    assert.equal(fourth.series.state, 'completed');
    const ran = (await ranLines()).slice(before);
    assert.deepEqual(ran.sort(), ['a = 4 b = 10 v1', 'a = 4 b = 20 v1']);
    for (const run of await runsOf(fourth.id)) {
      assert.equal(run.state, 'succeeded');
      assert.equal(run.reusedFrom === null, run.params['model.a'] === '4', JSON.stringify(run));
      assert.deepEqual(run.metrics, { sum: Number(run.params['model.a']) + Number(run.params['model.b']) });
    }
  });

  test('another package or application version offers nothing; the same again offers all', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-reuse-pkg-'));
    await writeFile(path.join(dir, 'input.txt'), 'data\n');
    const archive = path.join(dir, 'in.tar.gz');
    await createTar({ gzip: true, cwd: dir, file: archive }, ['input.txt']);
    const uploaded = await alicePackage(await readFile(archive));
    assert.equal((await preview(alice, { package: uploaded })).tuples, 0, 'another package');

    const patch = (version: string) =>
      testbed.stack.request('PATCH', `/api/v1/applications/${APP}`, { command: command(version) });
    assert.equal((await patch('v2')).status, 200);
    assert.equal((await preview(alice, {})).tuples, 0, 'another application version');
    assert.equal((await patch('v1')).status, 200);
    assert.equal((await preview(alice, {})).tuples, 6, 'the same version again');
    assert.equal((await preview(alice, { resources: { cpus: 2 } })).tuples, 0, 'other resources');
  });

  test("a member is never offered another group's group-only runs, nor can take them", async () => {
    const ini = '[model]\na = 7 8\nb = 10\nc = 5\n';
    const hidden = await submit(alice, { ini, visibility: 'group' });
    assert.equal(hidden.series.state, 'completed');
    // alice sees it, but offers it only into a series as private as it.
    assert.equal((await preview(alice, { ini, visibility: 'group' })).tuples, 2);
    assert.equal((await preview(alice, { ini })).tuples, 0, 'not into a series everyone sees');

    assert.deepEqual(await preview(bob, { ini }), { tuples: 0, count: 2, sources: [] });
    assert.deepEqual(await preview(bob, { ini, visibility: 'group' }), { tuples: 0, count: 2, sources: [] });
    // A forged body naming the source is refused (reuse is a boolean) or its extra fields ignored.
    const forged = await api<{ error: { message: string } }>(
      'POST',
      '/api/v1/series',
      { ini, application: APP, host: 'local', reuse: { from: hidden.id } },
      bob,
    );
    assert.equal(forged.status, 400);
    assert.match(forged.body.error.message, /reuse/);
    const before = (await ranLines()).length;
    const bobs = await submit(bob, {
      ini,
      reuse: true,
      reuseFrom: hidden.id,
      sources: [hidden.id],
      reusedFromSeries: hidden.id,
    });
    assert.equal(bobs.reused, undefined);
    assert.equal((await ranLines()).length, before + 2, "bob's runs ran");
    assert.ok((await runsOf(bobs.id)).every((r) => r.reusedFrom === null));
  });

  test('a series reading dataset v2 is not offered the runs of one that read v1; the same version is', async () => {
    // The admin's dataset (bob may not see it), two versions, and an application that reports
    // what its run read from it.
    assert.equal((await testbed.stack.request('POST', '/api/v1/datasets', { name: 'cells' })).status, 201);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-reuse-data-'));
    for (const version of [1, 2]) {
      await writeFile(path.join(dir, 'data.txt'), `${version}\n`);
      const archive = path.join(dir, `v${version}.tar.gz`);
      await createTar({ gzip: true, cwd: dir, file: archive }, ['data.txt']);
      const uploaded = await testbed.stack.fetch('/api/v1/datasets/cells/versions', {
        method: 'POST',
        body: new Uint8Array(await readFile(archive)),
      });
      assert.equal(uploaded.status, 201, await uploaded.text());
    }
    const reader = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'reader',
      command: 'printf \'{"seen": %s}\' "$(cat inputs/cells/data.txt)" > metrics.json',
    });
    assert.equal(reader.status, 201, JSON.stringify(reader.body));
    const admin = testbed.stack.token;
    const sweep = (version: number, more: Record<string, unknown> = {}) => ({
      application: 'reader',
      ini: '[p]\nk = 1 2\n',
      datasets: [{ name: 'cells', version, ...more }],
    });
    const seen = async (id: string) =>
      (await runsOf(id)).map((r) => [r.metrics?.seen, r.reusedFrom?.series ?? null]);

    const first = await submit(admin, sweep(1));
    assert.equal(first.series.state, 'completed');
    assert.deepEqual(await seen(first.id), [
      [1, null],
      [1, null],
    ]);

    assert.deepEqual(await preview(admin, sweep(1)), {
      tuples: 2,
      count: 2,
      sources: [{ id: first.id, description: '', tuples: 2 }],
    });
    assert.equal((await preview(admin, sweep(2))).tuples, 0, 'another version');
    assert.equal(
      (await preview(admin, sweep(1, { mountPath: 'data/cells' }))).tuples,
      0,
      'mounted elsewhere',
    );
    assert.equal((await preview(admin, { ...sweep(1), datasets: [] })).tuples, 0, 'without the dataset');

    const onV2 = await submit(admin, { ...sweep(2), reuse: true });
    assert.equal(onV2.reused, undefined);
    assert.deepEqual(await seen(onV2.id), [
      [2, null],
      [2, null],
    ]);
    const onV1 = await submit(admin, { ...sweep(1), reuse: true });
    assert.equal(onV1.reused, 2);
    assert.deepEqual(await seen(onV1.id), [
      [1, first.id],
      [1, first.id],
    ]);

    // Naming a dataset one may not see gets no offer (the submit refuses it, naming it), whatever
    // the sweep would reuse without it: bob may use the adder and sees alice's series of it.
    assert.equal((await preview(bob, {})).tuples, 6);
    assert.equal(await preview(bob, { datasets: [{ name: 'cells', version: 1 }] }), undefined);
  });

  async function alicePackage(bytes: Buffer): Promise<string> {
    const response = await fetch(`${testbed.stack.url}/api/v1/packages?name=in.tar.gz`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    const body = (await response.json()) as { id: string };
    assert.equal(response.status, 201, JSON.stringify(body));
    return body.id;
  }
});
