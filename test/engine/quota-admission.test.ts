// Series submitted at the same instant under a queue quota (docs/quotas.md, "Admission is one
// step"), on the whole stack over PostgreSQL (a pool of connections: the API's requests really
// run at once): of four 3-tuple series under maxQueued 4, exactly one is admitted and makes its
// runs; the three others wait `queued`, naming the quota, with no run. The check before the
// insert let all four start (none saw another's runs yet).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { addGatedHost, GATED_HOST } from '../support/gated-host.ts';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { startTestStack, waitForSeries, type InProcessStack, type SeriesBody } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { waitFor } from '../support/wait.ts';

type Series = SeriesBody & { waitReason: string | null };

describe('series submitted at once under a queue quota', { timeout: 300_000 }, () => {
  let temporal: TestTemporal;
  let postgres: PostgresServer;
  let stack: InProcessStack;
  let gate = '';

  before(async () => {
    [temporal, postgres] = await Promise.all([startTemporal(), startPostgres()]);
    stack = await startTestStack({ temporalAddress: temporal.address, databaseUrl: postgres.url });
    gate = await addGatedHost(stack, [
      ['POST', '/api/v1/quotas', { scope: 'user', subject: 'admin', host: GATED_HOST, maxQueued: 4 }],
    ]);
  });
  after(async () => {
    if (gate) await writeFile(gate, '');
    await stack?.stop();
    await Promise.all([temporal?.stop(), postgres?.stop()]);
  });

  test('exactly the series that fit are admitted; the others wait queued', async () => {
    const submitted = await Promise.all(
      ['x = 1 2 3\n', 'x = 4 5 6\n', 'x = 7 8 9\n', 'x = 10 11 12\n'].map((ini) =>
        stack.request<{ id: string }>('POST', '/api/v1/series', { application: 'gated', host: 'one', ini }),
      ),
    );
    for (const answer of submitted) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const ids = submitted.map((answer) => answer.body.id);
    const get = async (id: string) => (await stack.request<Series>('GET', `/api/v1/series/${id}`)).body;
    // Runs handed to the host: queued there, or running (a series' counts show unmade runs as pending).
    const inQueue = (s: Series) => s.counts.queued + s.counts.running;

    // Settled: each series either waits queued or has handed all its runs to the host.
    let all: Series[] = [];
    await waitFor(
      async () => {
        all = await Promise.all(ids.map(get));
        return all.every((s) => s.state === 'queued' || inQueue(s) === 3);
      },
      { what: 'every series queued or with its runs on the host' },
    );
    const admitted = all.filter((s) => s.state !== 'queued');
    assert.equal(admitted.length, 1, JSON.stringify(all));
    for (const waiting of all.filter((s) => s.state === 'queued')) {
      assert.equal(inQueue(waiting), 0, JSON.stringify(waiting));
      assert.match(
        waiting.waitReason ?? '',
        /^user quota: [23] queued on host one, and this series' 3 would pass maxQueued 4 of user admin on host one$/,
      );
    }

    // The next one is admitted once the first's runs have left the queue, one series at a time.
    await writeFile(gate, '');
    const first = await waitForSeries<Series>(stack, admitted[0]!.id, (s) => s.state === 'completed');
    assert.equal(first.counts.succeeded, 3);
    await waitFor(
      async () => (await Promise.all(ids.map(get))).some((s) => s.id !== first.id && inQueue(s) > 0),
      {
        what: 'a second series admitted',
      },
    );
  });
});
