import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { startTemporalDevServer, findTemporalCli } from '../../workers/dev-server.ts';
import { SEARCH_ATTRIBUTES } from '../../core/naming.ts';
import { waitFor } from '../support/wait.ts';

const ownerKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.owner, SearchAttributeType.KEYWORD);
const tuplesKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.tuples, SearchAttributeType.INT);

/** True while the process exists and is not a zombie. */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Live temporal server processes started with `--port <port>`. */
async function serversOnPort(port: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = await readFile(`/proc/${entry}/cmdline`, 'utf8').then(
      (text) => text.split('\0'),
      (): string[] => [],
    );
    const at = args.indexOf('--port');
    if (args.includes('start-dev') && args[at + 1] === String(port) && (await isAlive(Number(entry)))) {
      found.push(Number(entry));
    }
  }
  return found;
}

void test('findTemporalCli gives the same working binary every time', async () => {
  const first = await findTemporalCli();
  assert.equal(await findTemporalCli(), first);
  assert.ok(path.isAbsolute(first), first);
});

void test('the dev server keeps workflows and search attributes across a restart on the same db file', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tuplet-devserver-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dbFile = path.join(dir, 'nested', 'temporal.sqlite');
  const namespace = 'tuplet-test';

  const first = await startTemporalDevServer({ dbFile, port: 0, uiPort: 0, namespace });
  let workflowId: string;
  try {
    assert.match(first.address, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(await serversOnPort(Number(first.address.split(':')[1])), [first.pid]);
    assert.ok(first.uiUrl, 'the Web UI was asked for');
    const ui = await fetch(first.uiUrl);
    assert.equal(ui.status, 200);

    const connection = await Connection.connect({ address: first.address });
    try {
      const client = new Client({ connection, namespace });
      // No worker polls this queue: the workflow stays open, which is all we need to see it again.
      const handle = await client.workflow.start('noSuchWorkflow', {
        taskQueue: 'nobody-polls-this',
        workflowId: `restart-check-${Date.now()}`,
        typedSearchAttributes: [
          { key: ownerKey, value: 'alice' },
          { key: tuplesKey, value: 66 },
        ],
      });
      workflowId = handle.workflowId;
    } finally {
      await connection.close();
    }
  } finally {
    await first.stop();
  }
  assert.deepEqual(
    await first.exited,
    { code: 0, signal: null },
    'a server with a db file shuts down gracefully',
  );
  assert.equal(await isAlive(first.pid), false, 'stopped server process is gone');

  // Same file again: must start although the search attributes and namespace already exist.
  const second = await startTemporalDevServer({ dbFile, port: 0, uiPort: false, namespace });
  try {
    assert.equal(second.uiUrl, undefined);
    const connection = await Connection.connect({ address: second.address });
    try {
      const client = new Client({ connection, namespace });
      const description = await client.workflow.getHandle(workflowId).describe();
      assert.equal(description.status.name, 'RUNNING');
      assert.equal(description.typedSearchAttributes.get(ownerKey), 'alice');
      assert.equal(description.typedSearchAttributes.get(tuplesKey), 66);
    } finally {
      await connection.close();
    }
  } finally {
    await second.stop();
  }
  assert.equal(await isAlive(second.pid), false);
});

void test('an in-memory server is killed at once (nothing to save) and stop() may be called twice', async () => {
  const server = await startTemporalDevServer({ port: 0, uiPort: false });
  await Promise.all([server.stop(), server.stop()]);
  assert.deepEqual(await server.exited, { code: null, signal: 'SIGKILL' });
  assert.equal(await isAlive(server.pid), false);
});

void test('a taken port is reported as such, and nothing is left running', async (t) => {
  const blocker = net.createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const { port } = blocker.address() as net.AddressInfo;
  await assert.rejects(
    startTemporalDevServer({ port, uiPort: false }),
    new RegExp(`port ${port} on 127.0.0.1 is in use`),
  );
  assert.deepEqual(await serversOnPort(port), []);
});

void test('the dev server dies with its parent, even when the parent is SIGKILLed', async (t) => {
  const fixture = path.join(import.meta.dirname, 'fixtures', 'hold-dev-server.ts');
  const parent = spawn(process.execPath, ['--import', 'tsx', fixture], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => parent.kill('SIGKILL'));
  const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
  const { pid } = JSON.parse(line) as { pid: number };
  assert.equal(await isAlive(pid), true);

  parent.kill('SIGKILL');
  await waitFor(async () => !(await isAlive(pid)), {
    what: `temporal server ${pid} to die with its SIGKILLed parent`,
    timeoutMs: 15_000,
  });
});
