// Result reuse for own code (docs/reuse.md, docs/own-code.md): an own-code series' key holds the
// command generated from its package and the package's digest, so an identical resubmission
// (same package: same code, same requirements) is offered its runs like a program's, and another
// package is offered nothing. Real Temporal dev server, PGlite, the local host.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { waitForSeriesEnd } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';
import { APP, makeZip, sweepOf, upload } from '../engine/own-code-fixture.ts';

type Offer = { reuse?: { tuples: number; count: number; sources: Array<{ id: string }> } };

describe('result reuse of own-code series', { timeout: 300_000 }, () => {
  const testbed = useTestStack();
  const ini = sweepOf(3);
  const zipOf = (name: string, code: string) =>
    makeZip(testbed.stack.dataDir, name, { 'code.py': code, 'requirements.txt': '' });
  const preview = async (pkg: string) =>
    testbed.stack.request<Offer>('POST', '/api/v1/sweeps/preview', {
      ini,
      application: APP,
      host: 'local',
      package: pkg,
    });

  before(async () => {
    const app = await testbed.stack.request('POST', '/api/v1/applications', { name: APP, kind: 'own-code' });
    assert.equal(app.status, 201, JSON.stringify(app.body));
  });

  test('an identical resubmission is offered every tuple; another package nothing', async () => {
    const code = 'import sys\nprint(open(sys.argv[1]).read())\n';
    const zip = await zipOf('first.zip', code);
    const pkg = await upload(testbed.stack, testbed.stack.token, zip);
    const first = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: APP,
      host: 'local',
      ini,
      package: pkg,
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal((await waitForSeriesEnd(testbed.stack, first.body.id)).state, 'completed');

    // The same package uploaded again (another id, the same bytes): the same application version.
    const same = await upload(testbed.stack, testbed.stack.token, zip);
    const offer = await preview(same);
    assert.equal(offer.status, 200, JSON.stringify(offer.body));
    assert.deepEqual(
      { tuples: offer.body.reuse?.tuples, sources: offer.body.reuse?.sources.map((s) => s.id) },
      { tuples: 3, sources: [first.body.id] },
      JSON.stringify(offer.body),
    );
    const other = await preview(
      await upload(testbed.stack, testbed.stack.token, await zipOf('other.zip', `${code}print("changed")\n`)),
    );
    assert.equal(other.body.reuse?.tuples, 0, JSON.stringify(other.body));

    // What the preview offers, the creation takes.
    const again = await testbed.stack.request<{ id: string; reused?: number }>('POST', '/api/v1/series', {
      application: APP,
      host: 'local',
      ini,
      package: same,
      reuse: true,
    });
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.reused, 3);
    assert.equal((await waitForSeriesEnd(testbed.stack, again.body.id)).state, 'completed');
  });
});
