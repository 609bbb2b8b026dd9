// Issue 9, item 2: extra `#SBATCH` directives are an allowlist, by whole option name, and
// `account` / `qos` come only from what an admin allowed on the host. The attacks:
// `--export=ALL,BASH_ENV=$(…)` (bash expands BASH_ENV when the job script starts: a command
// as the cluster account), the prefixes sbatch resolves (`--outp=` is --output, `--open=` is
// --open-mode), short options (`-o`), --chdir and --wrap, a second option smuggled after an
// allowed one, and an account the host does not allow this user — by POST, by clone, and
// (for a series stored before the allowlist) straight to the job script on the real cluster.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { newId } from '../../db/ids.ts';
import { series } from '../../db/schema.ts';
import { HostInputError } from '../../hosts/errors.ts';
import type { SeriesSpec } from '../../hosts/executor.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { extraDirectiveLine, parseExtraDirective } from '../../hosts/slurm/directives.ts';
import { SlurmExecutor } from '../../hosts/slurm/index.ts';
import { jobName, renderSbatchScript } from '../../hosts/slurm/sbatch-script.ts';
import { TtlCache } from '../../web/data/cache.ts';
import type { WebContext, WebEnv } from '../../web/context.ts';
import { newSeriesPage } from '../../web/routes/new-series.tsx';
import { ECHO_APP, INI, type TestUser } from '../api/harness.ts';
import { startSlurm, type TestSlurm } from '../support/slurm.ts';
import { useApiHarness } from '../support/api-harness-per-file.ts';
import { seriesSpec, tempDir, wholeChunk } from '../hosts/helpers.ts';

/** What the attack's command would create (one per test process: an old run's cannot mislead). */
const MARKER = path.join(os.tmpdir(), `tuplet-sbatch-pwned-${process.pid}`);
/** Measured on the test cluster before the allowlist: sbatch took it and bash ran `id` as the job's user. */
const BASH_ENV_ATTACK = `--export=ALL,BASH_ENV=$(id>${MARKER})`;

/** Directive → the option the refusal must name. */
const ATTACKS: Array<[string, RegExp]> = [
  [BASH_ENV_ATTACK, /--export is not an option members may add/],
  ['--export=ALL,BASH_ENV=$(touch /tmp/x)', /--export is not an option members may add/],
  ['--outp=/etc/x', /--outp is not an option/],
  ['--open=append', /--open is not an option/],
  ['-o /x', /-o is not an option/],
  ['-e/x', /-e is not an option/],
  ['--chdir=/tmp', /--chdir is not an option/],
  ['-D /tmp', /-D is not an option/],
  ['--wrap=touch /tmp/x', /--wrap is not an option/],
  ['--export-file=/tmp/env', /--export-file is not an option/],
  ['--constrain=a100', /--constrain is not an option/],
  ['--constraint=a100 --export=ALL', /one option per directive/],
  ['-C a100 -o /x', /one option per directive/],
  ['--constraint=$(id)', /--constraint: .* is not node features/],
  ['--nodes=2;id', /--nodes: .* is not N or MIN-MAX/],
  ['--exclusive user', /one option per directive/],
  ['--hint=`id`', /--hint: /],
  ['--account=other', /--account is chosen with resources\.account/],
  ['-q high', /-q is chosen with resources\.qos/],
  ['--constraint=a\n#SBATCH --export=ALL', /one line/],
];

describe('the extra directives members may add', () => {
  for (const [directive, named] of ATTACKS) {
    test(`refuses ${JSON.stringify(directive)}, naming why`, () => {
      assert.throws(
        () => parseExtraDirective(directive),
        (error: unknown) => error instanceof HostInputError && named.test(error.message),
      );
    });
  }

  test('takes the allowed options in every form sbatch reads, and writes them back in one', () => {
    const written: Array<[string, string]> = [
      ['--constraint=a100&ib', '--constraint=a100&ib'],
      ['-C a100', '--constraint=a100'],
      ['-Ca100', '--constraint=a100'],
      ['#SBATCH --nodes 2', '--nodes=2'],
      ['-N 1-2', '--nodes=1-2'],
      ['--exclusive', '--exclusive'],
      ['--exclusive=user', '--exclusive=user'],
      ['--ntasks-per-node=4', '--ntasks-per-node=4'],
      ['-n 8', '--ntasks=8'],
      ['--mem-per-cpu=2G', '--mem-per-cpu=2G'],
      ['--hint=nomultithread', '--hint=nomultithread'],
      ['-L matlab:2,comsol', '--licenses=matlab:2,comsol'],
    ];
    for (const [typed, line] of written) assert.equal(extraDirectiveLine(typed), line, typed);
  });

  test('the job script refuses them too, whatever path they came by', () => {
    const render = (extra: string[]) =>
      renderSbatchScript({
        series: { seriesId: 's1', configFile: 'config.ini', resources: { extra } },
        chunk: { chunkIndex: 0, attempt: 1 },
        size: 1,
        host: {},
      });
    for (const [directive] of ATTACKS) assert.throws(() => render([directive]), HostInputError, directive);
    assert.match(render(['-C a100']), /^#SBATCH --constraint=a100$/m);
  });
});

describe('on the real cluster: a series stored with the BASH_ENV directive', () => {
  let slurm: TestSlurm;
  let root: { dir: string; remove: () => Promise<void> };
  before(async () => {
    root = await tempDir('sbatch-directives');
    slurm = await startSlurm();
  });
  after(async () => {
    await slurm?.stop();
    await root?.remove();
  });

  test('is never submitted, and its command never runs', async () => {
    const executor = new SlurmExecutor(
      { name: 'attack', kind: 'slurm', workdir: path.join(root.dir, 'attack') },
      new LocalTransport(),
      { env: slurm.env },
    );
    try {
      const seriesId = `bash-env-${process.pid}`;
      const spec: SeriesSpec = seriesSpec(seriesId, '[run]\nx = 1\n', 'true', {
        count: 1,
        resources: { extra: [BASH_ENV_ATTACK] },
      });
      const chunk = wholeChunk(1);
      await assert.rejects(
        (async () => {
          await executor.stageSeries(spec);
          await executor.stageChunk(spec, chunk);
          await executor.submit(spec, chunk);
        })(),
        (error: unknown) => error instanceof HostInputError && /--export/.test(error.message),
      );
      const listed = await new Promise<string>((resolve, reject) =>
        execFile(
          'squeue',
          ['-h', '-t', 'all', '--name', jobName(seriesId), '-o', '%F'],
          { env: { ...process.env, ...slurm.env } },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ),
      );
      assert.equal(listed.trim(), '', 'no job of the series reached the scheduler');
      assert.equal(existsSync(MARKER), false);
    } finally {
      await executor.close();
    }
  });
});

describe('through the API', () => {
  const testApi = useApiHarness();
  const CLUSTER = 'sbatch-cluster';

  before(async () => {
    const created = await testApi.harness.request('POST', '/api/v1/hosts', {
      token: testApi.harness.admin.token,
      body: {
        name: CLUSTER,
        kind: 'slurm',
        workdir: '/scratch/tuplet',
        accounts: [{ name: 'lab' }, { name: 'grant-x', users: [testApi.harness.alice.name] }],
        qos: [{ name: 'normal' }],
      },
    });
    assert.equal(created.status, 201, created.text);
  });

  const submit = (user: TestUser, resources: Record<string, unknown>, host = CLUSTER) =>
    testApi.harness.request('POST', '/api/v1/series', {
      token: user.token,
      body: { application: ECHO_APP, host, ini: INI, resources },
    });

  test('every refused directive is a 400 naming the entry and the option; nothing is stored', async () => {
    const before = await testApi.harness.rowCounts();
    for (const [directive, named] of ATTACKS) {
      const answer = await submit(testApi.harness.alice, { extra: ['--exclusive', directive] });
      assert.equal(answer.status, 400, `${directive}: ${answer.text}`);
      assert.equal(answer.body.error.code, 'invalid_request');
      assert.match(answer.body.error.message, /^resources\.extra\.1: /, directive);
      assert.match(answer.body.error.message, named, directive);
    }
    assert.deepEqual(await testApi.harness.rowCounts(), before);
  });

  test('account and qos: only what the host allows this user, else a 422 listing what is allowed', async () => {
    const refused = await submit(testApi.harness.bob, { account: 'grant-x' });
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.body.error.code, 'not_allowed');
    assert.equal(refused.body.error.field, 'resources.account');
    assert.deepEqual(refused.body.error.allowed, ['lab']);
    assert.match(
      refused.body.error.message,
      /'grant-x' is not allowed on host 'sbatch-cluster'.*choose one of lab/,
    );

    const unknown = await submit(testApi.harness.alice, { account: 'other' });
    assert.equal(unknown.status, 422);
    assert.deepEqual(unknown.body.error.allowed, ['lab', 'grant-x']);

    const qos = await submit(testApi.harness.alice, { qos: 'high' });
    assert.equal(qos.status, 422);
    assert.equal(qos.body.error.field, 'resources.qos');
    assert.deepEqual(qos.body.error.allowed, ['normal']);

    const local = await submit(testApi.harness.alice, { account: 'lab' }, 'local');
    assert.equal(local.status, 422, 'a host that lists no account allows none');
    assert.match(local.body.error.message, /allows none/);

    // Admins may use any account the host lists, and still nothing else.
    assert.equal((await submit(testApi.harness.admin, { account: 'grant-x' })).status, 201);
    assert.equal((await submit(testApi.harness.admin, { account: 'other' })).status, 422);

    const allowed = await submit(testApi.harness.alice, {
      account: 'grant-x',
      qos: 'normal',
      extra: ['-C a100', '--exclusive'],
    });
    assert.equal(allowed.status, 201, allowed.text);
    const stored = await testApi.harness.request('GET', `/api/v1/series/${allowed.body.id}`);
    assert.equal(stored.body.resources.account, 'grant-x');
    assert.equal((await submit(testApi.harness.bob, { account: 'lab', qos: 'normal' })).status, 201);
  });

  test('a clone is checked as its new owner, with its resources as stored', async () => {
    const alices = await submit(testApi.harness.alice, { account: 'grant-x' });
    assert.equal(alices.status, 201, alices.text);
    const borrowed = await testApi.harness.request('POST', `/api/v1/series/${alices.body.id}/clone`, {
      token: testApi.harness.bob.token,
      body: {},
    });
    assert.equal(borrowed.status, 422, 'bob cannot borrow alice’s account by cloning');
    assert.equal(borrowed.body.error.field, 'resources.account');

    // A series stored before the allowlist: its clone does not carry the directive on.
    const id = newId();
    await testApi.harness.db.insert(series).values({
      id,
      ownerId: testApi.harness.alice.id,
      application: ECHO_APP,
      applicationSnapshot: { name: ECHO_APP, command: 'cat config.ini', configFile: 'config.ini' },
      host: CLUSTER,
      ini: INI,
      resources: { extra: [BASH_ENV_ATTACK] },
      count: 9,
      state: 'completed',
      workflowId: `series-${id}`,
    });
    const clone = await testApi.harness.request('POST', `/api/v1/series/${id}/clone`, { body: {} });
    assert.equal(clone.status, 400, clone.text);
    assert.equal(clone.body.error.field, 'resources.extra.0');
    assert.match(clone.body.error.message, /--export/);
  });

  test('hosts: admins set the lists (names checked), members read what they may choose', async () => {
    for (const bad of [
      { accounts: [{ name: 'a b' }] },
      { accounts: [{ name: 'lab' }, { name: 'lab' }] },
      { qos: [{ name: '$(id)' }] },
      { qos: [{ name: 'x', users: ['../y'] }] },
      { accounts: [{ name: 'x', extra: 1 }] },
    ]) {
      const answer = await testApi.harness.request('PATCH', `/api/v1/hosts/${CLUSTER}`, {
        token: testApi.harness.admin.token,
        body: bad,
      });
      assert.equal(answer.status, 400, JSON.stringify(bad));
    }
    const member = await testApi.harness.request('PATCH', `/api/v1/hosts/${CLUSTER}`, {
      token: testApi.harness.alice.token,
      body: { accounts: [{ name: 'mine' }] },
    });
    assert.equal(member.status, 403);
    const read = await testApi.harness.request('GET', `/api/v1/hosts/${CLUSTER}`, {
      token: testApi.harness.bob.token,
    });
    assert.deepEqual(read.body.qos, [{ name: 'normal' }]);
    assert.deepEqual(read.body.accounts, [{ name: 'lab' }], 'bob sees neither grant-x nor who may use it');
  });

  test('the new-series form offers each user only the accounts the host allows them', async () => {
    const web = new Hono<WebEnv>();
    const ctx = { db: testApi.harness.db, cache: new TtlCache() } as unknown as WebContext;
    const page = newSeriesPage(ctx);
    web.get('/new/:user', (c) => {
      const user = [testApi.harness.alice, testApi.harness.bob].find((u) => u.name === c.req.param('user'))!;
      return page(c, { id: user.id, name: user.name, role: user.role }, 'csrf');
    });
    const offered = async (user: TestUser) => {
      const html = await (await web.request(`/new/${user.name}`)).text();
      const option = new RegExp(`<option value="${CLUSTER}"[^>]*data-accounts="([^"]*)"`).exec(html);
      assert.ok(option, `the form lists ${CLUSTER}`);
      return JSON.parse(option[1]!.replaceAll('&quot;', '"')) as string[];
    };
    assert.deepEqual(await offered(testApi.harness.alice), ['lab', 'grant-x']);
    assert.deepEqual(await offered(testApi.harness.bob), ['lab']);
  });
});
