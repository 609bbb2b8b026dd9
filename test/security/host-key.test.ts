// Item 11 of issue 9: an unknown host key fails the series, and the database says so. A
// series on an ssh host (a real sshd) whose known_hosts holds no key for it: staging is
// refused, the cleanup is refused the same way, and the series still ends `failed` with the
// refusal (the host key's fingerprint included) as its reason, well before any reconcile.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sshHostFields } from '../support/sshd.ts';
import { waitForSeriesEnd } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';
import { useTestSshd } from '../support/sshd-per-file.ts';

/** The fingerprint ssh-keygen -l shows for a `host type base64` known_hosts line. */
function fingerprintOf(hostKeyLine: string): string {
  const blob = Buffer.from(hostKeyLine.trim().split(/\s+/)[2]!, 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

describe('a series on a host whose key is not in its known_hosts', { timeout: 240_000 }, () => {
  const testbed = useTestStack();
  const remote = useTestSshd();

  test('ends failed, and the API shows the refusal with the fingerprint', async () => {
    const knownHosts = path.join(testbed.stack.dataDir, 'empty_known_hosts');
    await writeFile(knownHosts, '');
    const host = await testbed.stack.request('POST', '/api/v1/hosts', {
      name: 'stranger',
      kind: 'ssh',
      ...sshHostFields(remote.sshd),
      knownHostsFile: knownHosts,
      workdir: path.join(testbed.stack.dataDir, 'remote-stranger'),
      slots: 2,
    });
    assert.equal(host.status, 201, JSON.stringify(host.body));
    await testbed.stack.stack.workers!.refreshHosts();
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'noop',
      command: 'true',
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));

    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'noop',
      host: 'stranger',
      ini: 'n = 1 2\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // Well under the reconcile's period: the workflow itself must record the failure.
    const series = await waitForSeriesEnd(testbed.stack, created.body.id, 60_000);
    assert.equal(series.state, 'failed', JSON.stringify(series));
    const { body } = await testbed.stack.request<{ reason: string | null }>(
      'GET',
      `/api/v1/series/${created.body.id}`,
    );
    assert.ok(body.reason?.includes(fingerprintOf(remote.sshd.hostKeyLine)), `reason: ${body.reason}`);
    assert.match(body.reason ?? '', /not in .*refusing to connect/);
  });
});
