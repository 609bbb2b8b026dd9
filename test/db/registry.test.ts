// The registry admins keep: hosts and applications (db/hosts.ts, db/applications.ts), and the
// series queries the registry's routes ask before removing an account or a host.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createApiToken,
  createUser,
  deleteUser,
  findAccount,
  findUserByToken,
  listAccounts,
} from '../../db/accounts.ts';
import {
  deleteApplication,
  findApplication,
  insertApplication,
  listApplicationNames,
  listApplicationOptions,
  listApplications,
  updateApplication,
} from '../../db/applications.ts';
import {
  deleteHost,
  findHost,
  insertHost,
  listHostNames,
  listHostOptions,
  listHosts,
  updateHost,
} from '../../db/hosts.ts';
import {
  anySeriesOwnedBy,
  anyUnfinishedSeriesOn,
  findSeries,
  hasAnySeries,
  markSeriesRerun,
  recentSeriesOf,
  seriesExists,
  seriesProgressRows,
  updateSeriesState,
} from '../../db/series.ts';
import { backends, withDatabase } from '../support/database.ts';
import { insertSeries } from './fixtures.ts';

for (const kind of backends) {
  describe(`registry on ${kind}`, () => {
    test('hosts: a taken name leaves the host as it was; changes stamp updatedAt; lists by name', () =>
      withDatabase(kind, async ({ db }) => {
        const b = await insertHost(db, { name: 'b', kind: 'local', workdir: '/w', slots: 4 });
        assert.equal(b?.slots, 4);
        assert.equal(await insertHost(db, { name: 'b', kind: 'ssh', workdir: '/other' }), undefined);
        assert.equal((await findHost(db, 'b'))?.workdir, '/w');
        await insertHost(db, { name: 'a', kind: 'slurm', workdir: '/s', accounts: [{ name: 'proj' }] });
        assert.deepEqual(await listHostNames(db), ['a', 'b']);
        assert.deepEqual(
          (await listHosts(db)).map((h) => h.name),
          ['a', 'b'],
        );
        assert.deepEqual((await listHostOptions(db))[0], {
          name: 'a',
          kind: 'slurm',
          partition: null,
          gpus: null,
          slots: null,
          accounts: [{ name: 'proj' }],
          qos: [],
          pool: null,
          drained: false,
        });
        const changed = await updateHost(db, 'b', { slots: 2, description: 'two slots' });
        assert.equal(changed?.slots, 2);
        assert.equal(changed?.workdir, '/w');
        assert.ok(changed!.updatedAt.getTime() >= b!.updatedAt.getTime());
        assert.equal(await updateHost(db, 'nowhere', { slots: 1 }), undefined);
        await deleteHost(db, 'b');
        assert.equal(await findHost(db, 'b'), undefined);
        assert.deepEqual(await listHostNames(db), ['a']);
      }));

    test('applications: a taken name leaves the application as it was; changes apply; lists by name', () =>
      withDatabase(kind, async ({ db }) => {
        const spiral = await insertApplication(db, { name: 'spiral', command: 'python3 spiral.py' });
        assert.equal(spiral?.configFile, 'config.ini');
        assert.equal(await insertApplication(db, { name: 'spiral', command: 'rm -rf /' }), undefined);
        assert.equal((await findApplication(db, 'spiral'))?.command, 'python3 spiral.py');
        await insertApplication(db, { name: 'abc', command: 'true', description: 'first' });
        assert.deepEqual(await listApplicationNames(db), ['abc', 'spiral']);
        assert.deepEqual(
          (await listApplications(db)).map((a) => a.name),
          ['abc', 'spiral'],
        );
        assert.deepEqual(await listApplicationOptions(db), [
          { name: 'abc', description: 'first', configFile: 'config.ini' },
          { name: 'spiral', description: '', configFile: 'config.ini' },
        ]);
        const changed = await updateApplication(db, 'spiral', { command: 'python3 v2.py', setup: null });
        assert.equal(changed?.command, 'python3 v2.py');
        assert.equal(await updateApplication(db, 'nothing', { command: 'x' }), undefined);
        await deleteApplication(db, 'spiral');
        assert.equal(await findApplication(db, 'spiral'), undefined);
      }));

    test('accounts: whether each has a password, never the hash; deleting one ends its tokens', () =>
      withDatabase(kind, async ({ db }) => {
        const bob = await createUser(db, { name: 'bob', role: 'member' });
        await createUser(db, {
          name: 'ada',
          role: 'admin',
          password: 'a long password',
          passwordCost: { N: 1024, r: 8, p: 1 },
        });
        const accounts = await listAccounts(db);
        assert.deepEqual(
          accounts.map((a) => [a.name, a.role, a.hasPassword]),
          [
            ['ada', 'admin', true],
            ['bob', 'member', false],
          ],
        );
        assert.ok(accounts.every((a) => !('passwordHash' in a)));
        assert.equal((await findAccount(db, 'bob'))?.id, bob.id);
        assert.equal(await findAccount(db, 'carol'), undefined);
        const { token } = await createApiToken(db, bob.id, 'laptop');
        await deleteUser(db, bob.id);
        assert.equal(await findAccount(db, 'bob'), undefined);
        assert.equal(await findUserByToken(db, token), null);
      }));

    test('series: who owns one, which host an unfinished one holds, progress rows and a rerun', () =>
      withDatabase(kind, async ({ db }) => {
        assert.equal(await hasAnySeries(db), false);
        const id = await insertSeries(db, 3);
        const series = (await findSeries(db, id))!;
        assert.equal(await hasAnySeries(db), true);
        assert.equal(await seriesExists(db, id), true);
        assert.equal(await seriesExists(db, 'nope'), false);
        assert.equal(await anySeriesOwnedBy(db, series.ownerId), id);
        assert.equal(await anySeriesOwnedBy(db, 'someone-else'), undefined);
        assert.deepEqual(
          (await recentSeriesOf(db, series.ownerId, 30)).map((s) => s.id),
          [id],
        );
        // Staging is unfinished: the host is held until the series ends.
        assert.equal(await anyUnfinishedSeriesOn(db, 'local'), id);
        assert.equal(await anyUnfinishedSeriesOn(db, 'hpc'), undefined);
        await updateSeriesState(db, id, 'failed', 'it broke');
        assert.equal(await anyUnfinishedSeriesOn(db, 'local'), undefined);
        await markSeriesRerun(db, id, 2);
        const rerun = (await findSeries(db, id))!;
        assert.deepEqual(
          [rerun.state, rerun.attempt, rerun.reason, rerun.finishedAt],
          ['running', 2, null, null],
        );
        assert.deepEqual(await seriesProgressRows(db, [id, 'nope']), [
          { id, state: 'running', count: 3, attempt: 2 },
        ]);
      }));
  });
}
