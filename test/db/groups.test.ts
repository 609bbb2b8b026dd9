// Groups (db/groups.ts): rows, members, grants, what a user's groups may use, and the one rule
// of who sees a series (through findSeries, listSeriesPage and seriesProgressRows).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createUser } from '../../db/accounts.ts';
import { insertApplication } from '../../db/applications.ts';
import type { Database } from '../../db/client.ts';
import {
  anyGroupExists,
  deleteGroup,
  findGroup,
  grantsOfUser,
  groupGrants,
  insertGroup,
  listGroups,
  listGroupsOf,
  listMembers,
  memberRole,
  removeMember,
  setGrant,
  setMember,
  updateGroup,
} from '../../db/groups.ts';
import { insertHost } from '../../db/hosts.ts';
import { newId } from '../../db/ids.ts';
import { findSeries, insertSeries, listSeriesPage, seriesProgressRows } from '../../db/series.ts';
import { backends, withDatabase } from '../support/database.ts';

async function seriesOf(
  db: Database,
  ownerId: string,
  groupId: string | null,
  visibility: 'everyone' | 'group',
): Promise<string> {
  const id = newId();
  await insertSeries(db, {
    id,
    ownerId,
    application: 'app',
    applicationSnapshot: { name: 'app', command: 'true', configFile: 'config.ini' },
    host: 'local',
    ini: 'x = 1 2\n',
    count: 2,
    workflowId: `series-${id}`,
    groupId,
    visibility,
  });
  return id;
}

for (const kind of backends) {
  describe(`groups on ${kind}`, () => {
    test('groups, members and roles; a taken name is refused; deletion takes members along', () =>
      withDatabase(kind, async ({ db }) => {
        assert.equal(await anyGroupExists(db), false);
        const optics = await insertGroup(db, { name: 'optics', description: 'lasers' });
        assert.ok(optics);
        assert.equal(optics.share, 1);
        assert.equal(await insertGroup(db, { name: 'optics' }), undefined);
        assert.equal(await anyGroupExists(db), true);
        const bio = (await insertGroup(db, { name: 'bio' }))!;

        const ann = await createUser(db, { name: 'ann', role: 'member' });
        const ben = await createUser(db, { name: 'ben', role: 'member' });
        await setMember(db, optics.id, ann.id, 'member');
        await setMember(db, optics.id, ann.id, 'admin'); // a second call changes the role
        await setMember(db, optics.id, ben.id, 'member');
        await setMember(db, bio.id, ben.id, 'member');
        assert.equal(await memberRole(db, optics.id, ann.id), 'admin');
        assert.equal(await memberRole(db, bio.id, ann.id), undefined);
        assert.deepEqual(
          (await listMembers(db, optics.id)).map((m) => [m.name, m.role]),
          [
            ['ann', 'admin'],
            ['ben', 'member'],
          ],
        );
        assert.deepEqual(
          (await listGroupsOf(db, ben.id)).map((g) => [g.name, g.role, g.members]),
          [
            ['bio', 'member', 1],
            ['optics', 'member', 2],
          ],
        );
        assert.deepEqual(
          (await listGroups(db, ann.id)).map((g) => [g.name, g.role]),
          [
            ['bio', null],
            ['optics', 'admin'],
          ],
        );
        assert.equal((await updateGroup(db, 'optics', { share: 3 }))?.share, 3);
        assert.equal(await updateGroup(db, 'nope', { share: 3 }), undefined);
        // An empty change (PATCH {}) answers the group as it is, not a database error.
        assert.equal((await updateGroup(db, 'optics', {}))?.share, 3);
        assert.equal(await updateGroup(db, 'nope', {}), undefined);
        assert.equal(await removeMember(db, optics.id, ben.id), true);
        assert.equal(await removeMember(db, optics.id, ben.id), false);

        assert.equal(await deleteGroup(db, 'optics'), true);
        assert.equal(await deleteGroup(db, 'optics'), false);
        assert.equal(await findGroup(db, 'optics'), undefined);
        assert.deepEqual(await listGroupsOf(db, ann.id), []);
      }));

    test("grants: what a user's groups may use, together or one group's", () =>
      withDatabase(kind, async ({ db }) => {
        for (const name of ['a1', 'a2', 'a3']) await insertApplication(db, { name, command: 'true' });
        for (const name of ['h1', 'h2']) await insertHost(db, { name, kind: 'local', workdir: '/w' });
        const g1 = (await insertGroup(db, { name: 'g1' }))!;
        const g2 = (await insertGroup(db, { name: 'g2' }))!;
        const ann = await createUser(db, { name: 'ann', role: 'member' });
        const loner = await createUser(db, { name: 'loner', role: 'member' });
        await setMember(db, g1.id, ann.id, 'member');
        await setMember(db, g2.id, ann.id, 'member');
        await setGrant(db, g1.id, { application: 'a1' }, true);
        await setGrant(db, g1.id, { application: 'a1' }, true); // idempotent
        await setGrant(db, g2.id, { application: 'a2' }, true);
        await setGrant(db, g1.id, { host: 'h1' }, true);
        assert.deepEqual(await groupGrants(db, g1.id), { applications: ['a1'], hosts: ['h1'] });
        assert.deepEqual(await grantsOfUser(db, ann.id), { applications: ['a1', 'a2'], hosts: ['h1'] });
        assert.deepEqual(await grantsOfUser(db, ann.id, g2.id), { applications: ['a2'], hosts: [] });
        assert.deepEqual(await grantsOfUser(db, loner.id), { applications: [], hosts: [] });
        // Naming a group the user is not in grants nothing.
        assert.deepEqual(await grantsOfUser(db, loner.id, g1.id), { applications: [], hosts: [] });
        await setGrant(db, g1.id, { application: 'a1' }, false);
        await setGrant(db, g1.id, { host: 'h1' }, false);
        assert.deepEqual(await groupGrants(db, g1.id), { applications: [], hosts: [] });
      }));

    test('who sees a series: everyone, or its group, its owner (and admins, who are not asked)', () =>
      withDatabase(kind, async ({ db }) => {
        const g = (await insertGroup(db, { name: 'g' }))!;
        const owner = await createUser(db, { name: 'owner', role: 'member' });
        const mate = await createUser(db, { name: 'mate', role: 'member' });
        const stranger = await createUser(db, { name: 'stranger', role: 'member' });
        await setMember(db, g.id, owner.id, 'member');
        await setMember(db, g.id, mate.id, 'member');
        const open = await seriesOf(db, owner.id, g.id, 'everyone');
        const closed = await seriesOf(db, owner.id, g.id, 'group');
        const orphan = await seriesOf(db, owner.id, null, 'group');

        assert.equal((await findSeries(db, closed))?.groupName, 'g');
        assert.equal((await findSeries(db, closed, mate.id))?.id, closed);
        assert.equal(await findSeries(db, closed, stranger.id), undefined);
        assert.equal((await findSeries(db, open, stranger.id))?.id, open);
        assert.equal(await findSeries(db, orphan, mate.id), undefined);
        assert.equal((await findSeries(db, orphan, owner.id))?.id, orphan);

        const listed = async (userId?: string) =>
          (await listSeriesPage(db, { limit: 10, visibleTo: userId })).rows.map((r) => r.id).sort();
        assert.deepEqual(await listed(stranger.id), [open]);
        assert.deepEqual(await listed(mate.id), [closed, open].sort());
        assert.deepEqual(await listed(owner.id), [closed, open, orphan].sort());
        assert.deepEqual(await listed(undefined), [closed, open, orphan].sort());
        assert.deepEqual(
          (await seriesProgressRows(db, [open, closed, orphan], stranger.id)).map((r) => r.id),
          [open],
        );

        // A deleted group leaves its series in none: group-only ones stay the owner's (and admins').
        await deleteGroup(db, 'g');
        assert.equal((await findSeries(db, closed))?.groupName, null);
        assert.equal(await findSeries(db, closed, mate.id), undefined);
        assert.equal((await findSeries(db, closed, owner.id))?.id, closed);
      }));
  });
}
