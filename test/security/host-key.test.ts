// Item 11 of issue 9: an unknown host key fails the series, and the database says so. A
// series on an ssh host (a real sshd) whose known_hosts holds no key for it: staging is
// refused, the cleanup is refused the same way, and the series still ends `failed` with the
// refusal (the host key's fingerprint included) as its reason, well before any reconcile.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSshd, sshHostFields, type TestSshd } from '../support/sshd.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { startTestStack, waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';

/** The fingerprint ssh-keygen -l shows for a `host type base64` known_hosts line. */
function fingerprintOf(hostKeyLine: string): string {
  const blob = Buffer.from(hostKeyLine.trim().split(/\s+/)[2]!, 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

describe('a series on a host whose key is not in its known_hosts', { timeout: 240_000 }, () => {
  let temporal: TestTemporal;
  let stack: InProcessStack;
  let sshd: TestSshd;

  before(async () => {
    [temporal, sshd] = await Promise.all([startTemporal(), startSshd()]);
    stack = await startTestStack({ temporalAddress: temporal.address });
  });
  after(async () => {
    await stack?.stop();
    await Promise.all([temporal?.stop(), sshd?.stop()]);
  });

  test('ends failed, and the API shows the refusal with the fingerprint', async () => {
    const knownHosts = path.join(stack.dataDir, 'empty_known_hosts');
    await writeFile(knownHosts, '');
    const host = await stack.request('POST', '/api/v1/hosts', {
      name: 'stranger',
      kind: 'ssh',
      ...sshHostFields(sshd),
      knownHostsFile: knownHosts,
      workdir: path.join(stack.dataDir, 'remote-stranger'),
      slots: 2,
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    await stack.stack.workers!.refreshHosts();
    const app = await stack.request('POST', '/api/v1/applications', { name: 'noop', command: 'true' });
    assert.equal(app.status, 201, JSON.stringify(app.body));

    const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'noop',
      host: 'stranger',
      ini: 'n = 1 2\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // Well under the reconcile's period: the workflow itself must record the failure.
    const series = await waitForSeriesEnd(stack, created.body.id, 60_000);
    assert.equal(series.state, 'failed', JSON.stringify(series));
    const { body } = await stack.request<{ reason: string | null }>(
      'GET',
      `/api/v1/series/${created.body.id}`,
    );
    assert.ok(body.reason?.includes(fingerprintOf(sshd.hostKeyLine)), `reason: ${body.reason}`);
    assert.match(body.reason ?? '', /not in .*refusing to connect/);
  });
});
