// A host edited while its series run: chunks started before and after the edit ask the host
// worker with two versions of the host spec at once. With real executors (the local host and an
// ssh host on the real sshd): a step of the old version (a setup waiting on the host) is not
// cut by polls of the new one, six polls of the two versions at once are one status command,
// and the old version's executor is closed once its step ends, the newest kept.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHostActivities } from '../../activities/host/index.ts';
import type { Executor, HostSpec } from '../../hosts/executor.ts';
import { LocalTransport } from '../../hosts/local-transport.ts';
import { RunnerExecutor } from '../../hosts/runner-executor.ts';
import { SshTransport } from '../../hosts/ssh/index.ts';
import type { Transport } from '../../hosts/transport.ts';
import { createLogger } from '../../log.ts';
import { hostCapabilities } from '../../workers/capabilities.ts';
import { CommandLog } from '../../bench/many/counting.ts';
import { startSshd, sshHostFields, type TestSshd } from '../support/sshd.ts';
import { waitFor } from '../support/wait.ts';
import { seriesSpec, tempDir, wholeChunk } from './helpers.ts';

let sshd: TestSshd;
let root: { dir: string; remove: () => Promise<void> };

before(async () => {
  root = await tempDir('executor-versions');
  sshd = await startSshd();
});
after(async () => {
  await sshd.stop();
  await root.remove();
});

/** One executor the host worker made, and what happened to it. */
interface Made {
  version: number;
  inUse: number;
  closed: boolean;
  /** Calls found running when it was closed, or made after. */
  misuse: string[];
}

/** Real runner executors whose method calls and close are written down. */
function trackedFactory(log: CommandLog, made: Made[]) {
  return (host: HostSpec): Executor => {
    const transport: Transport = host.kind === 'ssh' ? new SshTransport(host) : new LocalTransport();
    const real = new RunnerExecutor(host, log.counted(host, transport));
    const record: Made = { version: host.admission!.setAt, inUse: 0, closed: false, misuse: [] };
    made.push(record);
    return new Proxy(real, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'close') {
            if (record.inUse > 0) record.misuse.push(`closed with ${record.inUse} call(s) running`);
            record.closed = true;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          }
          if (record.closed) record.misuse.push(`${String(name)} called after close`);
          record.inUse++;
          const settle = () => void record.inUse--;
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) result.then(settle, settle);
          else settle();
          return result;
        };
      },
    });
  };
}

for (const kind of ['local', 'ssh'] as const) {
  void describe(`a ${kind} host edited while a step of its old version runs`, () => {
    void test('no executor is closed under a step; six polls of both versions are one status command', async () => {
      const workdir = path.join(root.dir, kind, 'work');
      const fields = kind === 'ssh' ? sshHostFields(sshd) : {};
      const v1: HostSpec = {
        name: `box-${kind}`,
        kind,
        ...fields,
        workdir,
        slots: 2,
        admission: { setAt: 1_000 },
      };
      // What an admin's PATCH changes: the row's updatedAt, so admission.setAt (and here the slots).
      const v2: HostSpec = { ...v1, slots: 3, admission: { setAt: 2_000 } };
      const log = new CommandLog();
      const made: Made[] = [];
      const handle = createHostActivities({
        storageDir: path.join(root.dir, kind, 'storage'),
        createExecutor: trackedFactory(log, made),
        capabilities: hostCapabilities,
        logger: createLogger('silent'),
      });
      const { activities } = handle;
      const env = new MockActivityEnvironment();
      try {
        const go = path.join(root.dir, kind, 'go');
        // The setup waits on the host until the test lets it go: a step of v1 in flight.
        const series = seriesSpec('edited', 'i = 1...1...4\n', 'echo $i > out.txt', {
          count: 4,
          setup: `while [ ! -e ${go} ]; do sleep 0.05; done`,
        });
        await env.run(() => activities.stageSeries(v1, series));
        const setup: Promise<{ exitCode: number }> = env.run(activities.setupSeries, v1, series);
        await waitFor(() => made.find((m) => m.version === 1_000 && m.inUse > 0), {
          what: 'the setup of v1 running on the host',
        });

        const chunk = wholeChunk(4);
        const ask = (host: HostSpec) => activities.pollChunks(host, series, { chunks: [chunk] });
        const statusBefore = log.commands.filter((c) => c.status).length;
        const answers = await Promise.all([v1, v2, v1, v2, v1, v2].map(ask));
        assert.equal(answers.length, 6);
        assert.equal(
          log.commands.filter((c) => c.status).length - statusBefore,
          1,
          'six polls of two versions of one host: one status command',
        );

        await writeFile(go, '');
        assert.equal((await setup).exitCode, 0, 'the setup of v1 ran to its end');
        // Chunks of both versions go on: the old one stages and submits, both poll it to its end.
        await env.run(() => activities.stageChunk(v1, series, chunk));
        await env.run(() => activities.submitChunk(v1, series, chunk));
        let turn = 0;
        await waitFor(
          async () => {
            const result = await ask(turn++ % 2 ? v2 : v1);
            return result.aliveJobs.length === 0 &&
              result.changes.filter((c) => c.state === 'succeeded').length === 4
              ? result
              : undefined;
          },
          { what: 'the chunk polled to its end by both versions', timeoutMs: 30_000, intervalMs: 100 },
        );
        const collected: { runs: number } = await env.run(activities.collectChunk, v1, series, chunk);
        assert.equal(collected.runs, 4, 'the old version collects every run');

        assert.deepEqual(
          made.flatMap((m) => m.misuse),
          [],
          'no executor closed under a step nor used after its close',
        );
        await waitFor(() => made.every((m) => m.inUse === 0) || undefined, { what: 'every step ended' });
        assert.deepEqual(
          made.filter((m) => !m.closed).map((m) => m.version),
          [2_000],
          'only the newest version keeps its executor',
        );
      } finally {
        await handle.close();
      }
      assert.ok(
        made.every((m) => m.closed),
        'the worker closes every executor when it stops',
      );
    });
  });
}
