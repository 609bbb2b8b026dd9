// A local host with a `runUser` runs programs as that OS account. The attack: a run on the
// local host writes into the server's data directory — the database, the stored outputs of
// every series, the packages — since today it runs as the server's own account. With a run
// user, the run's writes there are refused, `id -un` names the run user, and the server still
// gets the run's results.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitForSeriesEnd } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

const RUN_USER = 'tuplet-test-run';

/** The run account, created once on this machine (tests run as root). */
function ensureRunUser(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(
      execFileSync('id', [flag, RUN_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(),
    );
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      RUN_USER,
    ]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Tries to write into the data directory and its parts; prints who it is and what happened. */
const TRY_DATA_DIR = `id -un
for target in "$DATA_DIR" "$DATA_DIR/storage" "$DATA_DIR/pglite"; do
  if touch "$target/pwned-by-run" 2>/dev/null; then echo "wrote $target"; else echo "refused $target"; fi
done
echo "a result" > result.txt`;

describe('programs run as the host runUser', { timeout: 300_000 }, () => {
  const testbed = useTestStack();
  let workdir: string;
  let runUser: { uid: number; gid: number };

  before(async () => {
    runUser = ensureRunUser();
    // Traversable by everyone, as data directories often are: only ownership protects it.
    await chmod(testbed.stack.dataDir, 0o755);
    workdir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-test-run-user-'));
    await chown(workdir, runUser.uid, runUser.gid);
    const host = await testbed.stack.request('POST', '/api/v1/hosts', {
      name: 'sandboxed',
      kind: 'local',
      workdir,
      runUser: RUN_USER,
      env: { DATA_DIR: testbed.stack.dataDir },
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'try-data-dir',
      command: TRY_DATA_DIR,
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    await testbed.stack.stack.workers?.refreshHosts();
  });
  after(async () => {
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  test('a run cannot write into the data directory; it runs as the run user; its results come back', async () => {
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'try-data-dir',
      host: 'sandboxed',
      ini: 'x = 1 2\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id } = created.body;
    const series = await waitForSeriesEnd(testbed.stack, id);
    assert.equal(series.state, 'completed', JSON.stringify(series));

    const runs = await testbed.stack.request<{ runs: Array<{ dir: string; exitCode: number }> }>(
      'GET',
      `/api/v1/series/${id}/runs`,
    );
    assert.equal(runs.body.runs.length, 2);
    for (const run of runs.body.runs) {
      const stored = path.join(testbed.stack.dataDir, 'storage', id, 'runs', run.dir);
      const stdout = await readFile(path.join(stored, '.tuplet', 'stdout'), 'utf8');
      assert.equal(
        stdout,
        [
          RUN_USER,
          ...['', '/storage', '/pglite'].map((part) => `refused ${testbed.stack.dataDir}${part}`),
          '',
        ].join('\n'),
      );
      assert.equal(await readFile(path.join(stored, 'result.txt'), 'utf8'), 'a result\n');
      // The run directory on the host is the run user's own.
      assert.equal((await stat(path.join(workdir, id, 'runs', run.dir, 'result.txt'))).uid, runUser.uid);
    }
    for (const part of ['', 'storage', 'pglite']) {
      assert.ok(
        !existsSync(path.join(testbed.stack.dataDir, part, 'pwned-by-run')),
        `nothing written in ${part}`,
      );
    }
  });
});
