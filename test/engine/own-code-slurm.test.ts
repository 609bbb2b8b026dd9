// Bring your own code on the test SLURM over SSH (docs/own-code.md): a member of a group with
// ownCode runs code.py + requirements.txt as a 20-tuple array; the environment is built once,
// by the series' setup on the login node before the array is submitted, not by the tasks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { startSlurmStack, type SlurmStack } from '../support/slurm-stack.ts';
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
} from './own-code-fixture.ts';

describe('own code on a slurm host', { timeout: 600_000 }, () => {
  let cluster: SlurmStack;
  let stack: InProcessStack;

  before(async () => {
    cluster = await startSlurmStack('own-code');
    stack = cluster.stack;
    const app = await stack.request('POST', '/api/v1/applications', { name: APP, kind: 'own-code' });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });
  after(async () => {
    // The environments are read-only: writable again so that the tree can go.
    if (cluster) await promisify(execFile)('chmod', ['-R', 'u+w', cluster.workdir]).catch(() => undefined);
    await cluster?.stop();
  });

  test('20 tuples run as an array in an environment the setup built once, before the array', async () => {
    const carol = await member(stack, 'carol');
    await groupWith(stack, { name: 'lab', ownCode: true, member: carol, hosts: ['cluster'] });
    const pkg = await upload(
      stack,
      carol.token,
      await makeZip(stack.dataDir, 'code.zip', { 'code.py': CODE_PY, 'requirements.txt': `${DEPENDENCY}\n` }),
    );
    const created = await stack.request<{ id: string }>(
      'POST',
      '/api/v1/series',
      { application: APP, host: 'cluster', ini: sweepOf(20), package: pkg },
      carol.token,
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const done = await waitForSeriesEnd(stack, created.body.id, 480_000);
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.equal(done.counts.succeeded, 20);
    const env = await assertRunsImported(path.join(cluster.workdir, created.body.id, 'runs'), 20);

    const setup = await stack.request<{ log: string }>(
      'GET',
      `/api/v1/series/${created.body.id}/setup`,
      undefined,
      carol.token,
    );
    assert.match(setup.body.log, /own code: building \S+ with python3/);
    assert.deepEqual(await environmentsIn(cluster.workdir), [path.basename(env)]);
    // Built before the array: its marker is older than every task's start (the job script
    // writes `started` in each run's .tuplet/ as the task begins).
    const built = (await stat(path.join(env, '.tuplet-built'))).mtimeMs;
    const runs = path.join(cluster.workdir, created.body.id, 'runs');
    for (const dir of await readdir(runs)) {
      const started = (await stat(path.join(runs, dir, '.tuplet', 'started'))).mtimeMs;
      assert.ok(built <= started, `run ${dir} started before the environment was built`);
    }
  });
});
