// `tuplet notifications` against a running server (the whole HTTP app over a seeded database):
// the help teaches, the list shows the caller's own notifications only, `read` marks them and
// cannot mark another user's (their ID is skipped and said so), and wrong input exits 2.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../db/accounts.ts';
import { listNotifications, recordNotification } from '../../db/notifications.ts';
import { startWebTestServer, type WebTestServer } from '../browser/support/server.ts';
import { runTuplet } from '../support/tuplet-cli.ts';

describe('tuplet notifications', () => {
  let server: WebTestServer;
  let token: string;
  const mine = { held: '', failed: '' };
  let theirs = '';

  const cli = (args: string[]) => runTuplet(args, { url: server.url, token: token });

  before(async () => {
    server = await startWebTestServer();
    const { db, ids, running, completed } = server;
    token = (await createApiToken(db, ids.member, 'cli test')).token;
    mine.held = `${running.id}-1-held`;
    mine.failed = `${running.id}-2-failed`;
    theirs = `${completed.id}-1-failed`;
    await recordNotification(
      db,
      { id: mine.held, userId: ids.member, seriesId: running.id, event: 'held' },
      [],
    );
    await recordNotification(
      db,
      { id: mine.failed, userId: ids.member, seriesId: running.id, event: 'failed' },
      [],
    );
    await recordNotification(
      db,
      { id: theirs, userId: ids.admin, seriesId: completed.id, event: 'failed' },
      [],
    );
  });
  after(() => server?.close());

  test('--help teaches the commands with examples', async () => {
    const help = await cli(['notifications', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /tuplet notifications --unread/);
    assert.match(help.stdout, /tuplet notifications read --all/);
    assert.match(help.stdout, /read or UNREAD/);
  });

  test("lists the caller's own notifications, newest first", async () => {
    const listed = await cli(['notifications']);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.equal(lines.at(-1), '2 unread');
    const rows = lines.slice(0, -1).map((l) => l.split('\t'));
    assert.deepEqual(rows.map((r) => r[0]).sort(), [mine.failed, mine.held].sort());
    assert.ok(!listed.stdout.includes(theirs), "another user's notification is not listed");
    for (const row of rows) {
      assert.equal(row[1], 'UNREAD');
      assert.match(row[4] ?? '', new RegExp(`^${server.running.id} \\(Member series`));
    }
    const json = await cli(['notifications', '--json', '--limit', '1']);
    const answer = JSON.parse(json.stdout) as { notifications: unknown[]; unread: number };
    assert.equal(answer.notifications.length, 1);
    assert.equal(answer.unread, 2);
  });

  test("read marks the named ones; another user's ID is skipped and said so", async () => {
    const attack = await cli(['notifications', 'read', theirs]);
    assert.equal(attack.code, 0, attack.stderr);
    assert.equal(
      attack.stdout,
      'marked 0 read (1 of the IDs were already read or are not yours); 2 unread\n',
    );
    const [stillUnread] = await listNotifications(server.db, server.ids.admin, {
      limit: 5,
      unreadOnly: true,
    });
    assert.equal(stillUnread?.id, theirs);

    const one = await cli(['notifications', 'read', mine.held]);
    assert.equal(one.stdout, 'marked 1 read; 1 unread\n');
    const unread = await cli(['notifications', 'list', '--unread']);
    assert.deepEqual(
      unread.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
      [mine.failed, '1 unread'],
    );

    const all = await cli(['notifications', 'read', '--all']);
    assert.equal(all.stdout, 'marked 1 read; 0 unread\n');
    assert.equal((await cli(['notifications', '--unread'])).stdout, 'no unread notifications\n0 unread\n');
    const [admins] = await listNotifications(server.db, server.ids.admin, { limit: 5, unreadOnly: true });
    assert.equal(admins?.id, theirs, "--all is the caller's all");
  });

  test('wrong input exits 2 and says what is wrong', async () => {
    const nothing = await cli(['notifications', 'read']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /Give their IDs .* or --all/);
    const both = await cli(['notifications', 'read', 'x', '--all']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /not both/);
    const limit = await cli(['notifications', '--limit', '0']);
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit: a whole number from 1 to 200, not '0'/);
  });
});
