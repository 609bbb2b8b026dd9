// POST /api/v1/hosts/:name/check runs on the worker serving the host: the local host answers
// with its cores; an ssh host is reached through a real sshd, and refused when its host key
// is not in its known_hosts file.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { HostCheck } from '../../activities/host/types.ts';
import { sshHostFields } from '../support/sshd.ts';
import { useTestStack } from '../support/stack-per-file.ts';
import { useTestSshd } from '../support/sshd-per-file.ts';

describe('host checks', { timeout: 180_000 }, () => {
  const testbed = useTestStack();
  const remote = useTestSshd();

  const check = async (name: string) => {
    const { status, body } = await testbed.stack.request<{ result: HostCheck }>(
      'POST',
      `/api/v1/hosts/${name}/check`,
      {},
    );
    assert.equal(status, 200, JSON.stringify(body));
    return body.result;
  };
  const register = async (name: string, knownHostsFile: string) => {
    const { status, body } = await testbed.stack.request('POST', '/api/v1/hosts', {
      name,
      kind: 'ssh',
      ...sshHostFields(remote.sshd),
      knownHostsFile,
      workdir: path.join(testbed.stack.dataDir, `remote-${name}`),
      slots: 2,
    });
    assert.equal(status, 201, JSON.stringify(body));
    await testbed.stack.stack.workers!.refreshHosts();
  };

  test('the local host answers with its cores', async () => {
    const result = await check('local');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok((result.cores ?? 0) >= 1);
  });

  test('an ssh host with a verified host key answers', async () => {
    await register('workstation', remote.sshd.knownHostsFile);
    const result = await check('workstation');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok((result.cores ?? 0) >= 1);
  });

  test('an ssh host whose key is not in its known_hosts is refused', async () => {
    const empty = path.join(testbed.stack.dataDir, 'empty_known_hosts');
    await writeFile(empty, '');
    await register('stranger', empty);
    const result = await check('stranger');
    assert.equal(result.ok, false);
    assert.equal(result.errorType, 'HostKeyUnknownError', JSON.stringify(result));
  });
});
