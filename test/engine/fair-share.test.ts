// Issue 13's done-when tests for the fair share and quotas (docs/fair-share.md, docs/quotas.md),
// on the whole stack: the real Temporal dev server, the API, the workers and a local host. Every
// claim is read from what the runs recorded themselves (`date +%s.%N` into their directories)
// and from the database's state, never from how long the test took.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { createApiToken, createUser } from '../../db/accounts.ts';
import { maxOverlap } from '../hosts/runner/spans.ts';
import { waitForSeries, type SeriesBody } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';

type Series = SeriesBody & { waitReason: string | null; finishedAt: string | null };

/** Start and end (seconds) of each run of a series that wrote its `t0` and `t1`. */
async function spansOf(workdir: string, seriesId: string): Promise<Array<{ start: number; end: number }>> {
  const runsDir = path.join(workdir, seriesId, 'runs');
  const spans = await Promise.all(
    (await readdir(runsDir)).map(async (dir) => {
      const [t0, t1] = [path.join(runsDir, dir, 't0'), path.join(runsDir, dir, 't1')];
      if (!existsSync(t1)) return undefined;
      return { start: Number(await readFile(t0, 'utf8')), end: Number(await readFile(t1, 'utf8')) };
    }),
  );
  return spans.filter((s) => s !== undefined);
}

describe('fair share and quotas on the whole stack', { timeout: 900_000 }, () => {
  const testbed = useTestStack();
  /** Members' tokens by name. */
  const tokens: Record<string, string> = {};

  before(async () => {
    const db = testbed.stack.stack.database.db;
    for (const name of ['ann', 'ben', 'cat']) {
      const user = await createUser(db, { name, role: 'member' });
      tokens[name] = (await createApiToken(db, user.id, 'test')).token;
    }
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'timed',
      // The run's own start and end, in its directory.
      command: 'date +%s.%N > t0; sleep "$TUPLET_P_P_NAP"; date +%s.%N > t1',
      input: { format: 'ini' },
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const gated = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'gated',
      command:
        'date +%s.%N > t0; while [ ! -e "$TUPLET_P_P_GATE" ]; do sleep 0.1; done; sleep "$TUPLET_P_P_NAP"; date +%s.%N > t1',
      input: { format: 'ini' },
    });
    assert.equal(gated.status, 201, JSON.stringify(gated.body));
  });

  const addLocalHost = async (name: string, workdir: string, slots: number) => {
    const host = await testbed.stack.request('POST', '/api/v1/hosts', {
      name,
      kind: 'local',
      workdir,
      slots,
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
  };
  const submit = (token: string, body: Record<string, unknown>) =>
    testbed.stack.request<{ id: string }>('POST', '/api/v1/series', { application: 'timed', ...body }, token);

  test("user B's 20 runs, submitted behind user A's 2,000 on a 2-slot host, finish before A is 10% done", async () => {
    const workdir = path.join(testbed.stack.dataDir, 'pair-work');
    await addLocalHost('pair', workdir, 2);
    // Two users in two groups of the same weight, each granted the application and the host.
    for (const [group, member] of [
      ['lab-a', 'ann'],
      ['lab-b', 'ben'],
    ] as const) {
      assert.equal((await testbed.stack.request('POST', '/api/v1/groups', { name: group })).status, 201);
      for (const what of ['applications/timed', 'hosts/pair']) {
        assert.equal((await testbed.stack.request('PUT', `/api/v1/groups/${group}/${what}`)).status, 204);
      }
      const added = await testbed.stack.request('PUT', `/api/v1/groups/${group}/members/${member}`, {
        role: 'member',
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
    }

    const big = await submit(tokens.ann!, { host: 'pair', ini: '[p]\nnap = 0.2\ni = 1...1...2000\n' });
    assert.equal(big.status, 201, JSON.stringify(big.body));
    // A holds the host: its runs have started.
    await waitForSeries<Series>(
      testbed.stack,
      big.body.id,
      (s) => s.counts.running + s.counts.succeeded > 0,
      240_000,
    );
    const small = await submit(tokens.ben!, { host: 'pair', ini: '[p]\nnap = 0.2\ni = 1...1...20\n' });
    assert.equal(small.status, 201, JSON.stringify(small.body));
    const done = await waitForSeries<Series>(
      testbed.stack,
      small.body.id,
      (s) => ['completed', 'completed_with_failures', 'failed'].includes(s.state),
      300_000,
    );
    assert.equal(done.state, 'completed', JSON.stringify(done));
    const finishedAt = Date.parse(done.finishedAt!) / 1000;
    // A's progress when B's series had finished, from A's runs' own end times.
    const aDone = (await spansOf(workdir, big.body.id)).filter((s) => s.end <= finishedAt).length;
    assert.ok(aDone < 200, `A had ${aDone} of 2,000 runs done when B finished (10% is 200)`);

    assert.equal((await testbed.stack.request('POST', `/api/v1/series/${big.body.id}/cancel`)).status, 202);
    await waitForSeries<Series>(testbed.stack, big.body.id, (s) => s.state === 'cancelled', 120_000);
  });

  test("a maxRunning quota of 4 holds across a user's two series (the runs' own times), the waiting one naming it", async () => {
    const workdir = path.join(testbed.stack.dataDir, 'wide-work');
    await addLocalHost('wide', workdir, 8);
    for (const what of ['applications/gated', 'hosts/wide']) {
      assert.equal((await testbed.stack.request('PUT', `/api/v1/groups/lab-b/${what}`)).status, 204);
    }
    const quota = await testbed.stack.request('POST', '/api/v1/quotas', {
      scope: 'user',
      subject: 'ben',
      host: 'wide',
      maxRunning: 4,
    });
    assert.equal(quota.status, 201, JSON.stringify(quota.body));
    // The first series' runs wait for `go`: four of them take ben's quota and hold it. The
    // second series then waits for ben's quota, not for the host (which has 4 units left).
    const go = path.join(testbed.stack.dataDir, 'wide.go');
    const gatedIni = (n: number) => `[p]\nnap = 0.3\ngate = "${go}"\ni = 1...1...${n}\n`;
    const first = await submit(tokens.ben!, { application: 'gated', host: 'wide', ini: gatedIni(8) });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    await waitForSeries<Series>(testbed.stack, first.body.id, (s) => s.counts.running >= 4, 120_000);
    const second = await submit(tokens.ben!, { application: 'gated', host: 'wide', ini: gatedIni(8) });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const waiting = await waitForSeries<Series>(
      testbed.stack,
      second.body.id,
      (s) => s.waitReason !== null,
      120_000,
    );
    assert.match(
      waiting.waitReason!,
      /^user quota: 4 running on host wide \(maxRunning of user ben on host wide\)$/,
    );
    assert.equal(waiting.counts.running + waiting.counts.succeeded, 0, 'nothing of it started');
    await writeFile(go, '');
    const ended = await Promise.all(
      [first.body.id, second.body.id].map((id) =>
        waitForSeries<Series>(testbed.stack, id, (s) => ['completed', 'failed'].includes(s.state), 240_000),
      ),
    );
    for (const s of ended) {
      assert.equal(s.state, 'completed', JSON.stringify(s));
      assert.equal(s.waitReason, null);
    }
    const spans = [...(await spansOf(workdir, first.body.id)), ...(await spansOf(workdir, second.body.id))];
    assert.equal(spans.length, 16);
    assert.ok(maxOverlap(spans) <= 4, `${maxOverlap(spans)} of ben's runs at once under a quota of 4`);
  });
});
