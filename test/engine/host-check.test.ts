// POST /api/v1/hosts/:name/check runs on the worker serving the host: the local host answers
// with its cores; an ssh host is reached through a real sshd, and refused when its host key
// is not in its known_hosts file.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostCheck } from '../../activities/host/types.ts';
import { startSshd, type TestSshd } from '../support/sshd.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { startTestStack, type InProcessStack } from '../support/stack.ts';

describe('host checks', { timeout: 180_000 }, () => {
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

  const check = async (name: string) => {
    const { status, body } = await stack.request<{ result: HostCheck }>(
      'POST',
      `/api/v1/hosts/${name}/check`,
      {},
    );
    assert.equal(status, 200, JSON.stringify(body));
    return body.result;
  };
  const register = async (name: string, knownHostsFile: string) => {
    const { status, body } = await stack.request('POST', '/api/v1/hosts', {
      name,
      kind: 'ssh',
      address: '127.0.0.1',
      port: sshd.port,
      user: sshd.user,
      identityFile: sshd.identityFile,
      knownHostsFile,
      workdir: path.join(stack.dataDir, `remote-${name}`),
      slots: 2,
    });
    assert.equal(status, 201, JSON.stringify(body));
    await stack.stack.workers!.refreshHosts();
  };

  test('the local host answers with its cores', async () => {
    const result = await check('local');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok((result.cores ?? 0) >= 1);
  });

  test('an ssh host with a verified host key answers', async () => {
    await register('workstation', sshd.knownHostsFile);
    const result = await check('workstation');
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok((result.cores ?? 0) >= 1);
  });

  test('an ssh host whose key is not in its known_hosts is refused', async () => {
    const empty = path.join(stack.dataDir, 'empty_known_hosts');
    await writeFile(empty, '');
    await register('stranger', empty);
    const result = await check('stranger');
    assert.equal(result.ok, false);
    assert.equal(result.errorType, 'HostKeyUnknownError', JSON.stringify(result));
  });
});
