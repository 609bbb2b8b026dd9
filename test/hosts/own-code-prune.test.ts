// Own-code environments are pruned on the host (docs/own-code.md, "Pruning"): the real setup
// script (hosts/own-code.ts ownCodeSetup → own-code-env.sh) run by bash in series directories
// of a real workdir, as the local host runs it. An environment unused for longer than the limit
// is removed by the next setup; one a live series links stays; one being set up (its lock held)
// is left alone; a series setting up an environment while another setup prunes still gets a
// working one. Ages are made by setting files' times back (touch -d), not by waiting.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ownCodeSetup } from '../../hosts/own-code.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const keyOf = (name: string) => createHash('sha256').update(name).digest('hex');
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('pruning own-code environments', { timeout: 120_000 }, () => {
  let workdir: string;

  /** Runs the setup of series `id` for the environment `key`, as the host does; answers its output. */
  async function setup(id: string, key: string, pruneAfterHours = 1): Promise<string> {
    const dir = path.join(workdir, id);
    await mkdir(path.join(dir, '.tuplet'), { recursive: true });
    const { stdout } = await run(
      'bash',
      ['-c', ownCodeSetup({ envKey: keyOf(key), python: 'python3', requirements: [] }, pruneAfterHours)],
      { cwd: dir },
    );
    return stdout;
  }
  /** The environment series `id` links. */
  const envOf = (id: string) => readlink(path.join(workdir, id, '.tuplet', 'own-code-env'));
  /** Sets the times of `paths` (not following links) two days back: unused since then. */
  const age = (...paths: string[]) => run('touch', ['-h', '-d', '2 days ago', ...paths]);
  const ageSeries = async (id: string) => {
    const { stdout } = await run('find', [path.join(workdir, id)]);
    await age(...stdout.trim().split('\n'));
  };

  before(async () => {
    workdir = await mkdtemp(path.join(os.tmpdir(), 'tuplet-prune-'));
  });
  after(async () => {
    await run('chmod', ['-R', 'u+w', workdir]).catch(() => undefined);
    await rm(workdir, { recursive: true, force: true });
  });

  test('a stale unused environment goes, one a live series uses stays', async () => {
    await setup('old', 'e1'); // its series ended long ago
    await setup('live', 'e2'); // set up long ago, its runs still write
    await setup('gone', 'e3'); // its series directory was removed
    const [e1, e2, e3] = await Promise.all(['old', 'live', 'gone'].map(envOf));
    await rm(path.join(workdir, 'gone'), { recursive: true });
    await mkdir(path.join(workdir, 'live', 'runs', '0_k=1', '.tuplet'), { recursive: true });
    await ageSeries('old');
    await ageSeries('live');
    await age(`${e1}.lock`, `${e2}.lock`, `${e3}.lock`);
    await writeFile(path.join(workdir, 'live', 'runs', '0_k=1', '.tuplet', 'stdout'), 'still running\n');

    const log = await setup('new', 'e4');
    assert.equal(await exists(e1!), false, log);
    assert.equal(await exists(e3!), false, log);
    assert.equal(await exists(path.join(e2!, '.tuplet-built')), true, log);
    assert.match(log, new RegExp(`own code: removed ${e1}, unused for more than 3600 s`));
    // The removed one is built again by the next series that needs it.
    assert.match(await setup('again', 'e1'), /own code: building /);
    await run(path.join(await envOf('again'), 'bin', 'python'), ['-c', 'print(1)']);
  });

  test('an environment being set up is left alone; a setup during a prune gets a working one', async () => {
    await setup('held', 'e5');
    const e5 = await envOf('held');
    await ageSeries('held');
    await age(`${e5}.lock`);
    // Another setup holds its lock (as a setup of it would) while this one prunes.
    const holder = spawn('flock', [
      `${e5}.lock`,
      '-c',
      `while [ ! -e '${workdir}/release' ]; do sleep 0.05; done`,
    ]);
    try {
      await waitFor(
        async () => {
          const probe = await run('flock', ['-n', `${e5}.lock`, 'true']).then(
            () => false,
            () => true,
          );
          return probe;
        },
        { what: 'the lock held' },
      );
      await setup('pruner', 'e6');
      assert.equal(await exists(path.join(e5, '.tuplet-built')), true);
    } finally {
      await writeFile(path.join(workdir, 'release'), '');
      await new Promise((resolve) => holder.once('exit', resolve));
    }

    // Stale again; now a series wants it while another setup prunes, at the same time.
    await age(`${e5}.lock`);
    const [user] = await Promise.all([setup('user', 'e5'), setup('pruner2', 'e7')]);
    const env = await envOf('user');
    assert.equal(env, e5);
    assert.equal(await exists(path.join(env, '.tuplet-built')), true, user);
    await run(path.join(env, 'bin', 'python'), ['-c', 'print(1)']);
  });
});
