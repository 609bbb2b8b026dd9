// A host that holds its queue for as long as a test needs: host `one` with a single slot and
// an application `gated` whose runs wait until the test creates the gate file. A series of
// three runs then keeps two queued while its first one runs (what queue quotas count).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { InProcessStack } from './stack.ts';

export const GATED_HOST = 'one';
export const GATED_APP = 'gated';

/** Registers the host and the application, and any `more` calls; answers the gate's path. */
export async function addGatedHost(
  stack: InProcessStack,
  more: Array<[string, string, unknown]> = [],
): Promise<string> {
  const gate = path.join(stack.dataDir, 'gate');
  const calls: Array<[string, string, unknown]> = [
    [
      'POST',
      '/api/v1/hosts',
      { name: GATED_HOST, kind: 'local', workdir: path.join(stack.dataDir, GATED_HOST), slots: 1 },
    ],
    [
      'POST',
      '/api/v1/applications',
      { name: GATED_APP, command: `until [ -e '${gate}' ]; do sleep 0.1; done` },
    ],
    ...more,
  ];
  for (const [method, route, body] of calls) {
    const answer = await stack.request(method, route, body);
    assert.ok(answer.status < 300, `${method} ${route}: ${JSON.stringify(answer.body)}`);
  }
  return gate;
}
