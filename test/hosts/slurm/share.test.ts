// A series' maxRunning quota and priority in its SLURM job arrays (hosts/slurm/share.ts), on the
// real one-node cluster: the quota caps the array throttle, proved from the runs' own start and
// end times; a low-priority series' jobs carry a positive nice, read back from squeue.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalTransport } from '../../../hosts/local-transport.ts';
import { SlurmExecutor } from '../../../hosts/slurm/index.ts';
import { arrayThrottleOf, LOW_PRIORITY_NICE, priorityDirectives } from '../../../hosts/slurm/share.ts';
import { jobName } from '../../../hosts/slurm/sbatch-script.ts';
import { startSlurm, type TestSlurm } from '../../support/slurm.ts';
import { waitFor } from '../../support/wait.ts';
import { pollUntilDone, seriesSpec, tempDir, wholeChunk } from '../helpers.ts';
import { maxOverlap, readSpans } from '../runner/spans.ts';

// The cluster is shared by every test process on the machine: ids of this process.
const id = (name: string) => `${name}-${process.pid}`;

let root: { dir: string; remove: () => Promise<void> };
let slurm: TestSlurm;
let executor: SlurmExecutor;
before(async () => {
  root = await tempDir('slurm-share');
  slurm = await startSlurm();
  executor = new SlurmExecutor(
    { name: 'share', kind: 'slurm', workdir: path.join(root.dir, 'work') },
    new LocalTransport(),
    { env: slurm.env },
  );
});
after(async () => {
  await executor?.close();
  await slurm?.stop();
  await root?.remove();
});

function squeue(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile('squeue', args, { env: { ...process.env, ...slurm.env } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.split('\n').filter(Boolean)),
    ),
  );
}

void describe('quotas and priority on SLURM', () => {
  void test('the throttle is the tighter of the host and the quota; low priority is niced', () => {
    assert.equal(arrayThrottleOf({}, {}), undefined);
    assert.equal(arrayThrottleOf({ arrayThrottle: 8 }, {}), 8);
    assert.equal(arrayThrottleOf({ arrayThrottle: 8 }, { maxRunning: 3 }), 3);
    assert.equal(arrayThrottleOf({ arrayThrottle: 2 }, { maxRunning: 3 }), 2);
    assert.equal(arrayThrottleOf({}, { maxRunning: 0 }), 1);
    assert.deepEqual(priorityDirectives({ fairShare: { user: 'u', weight: 1, rank: 0 } }), [
      `--nice=${LOW_PRIORITY_NICE}`,
    ]);
    assert.deepEqual(priorityDirectives({ fairShare: { user: 'u', weight: 1, rank: 2 } }), []);
  });

  void test("a maxRunning quota of 1 runs one array task at a time (the runs' own times), a low series niced", async () => {
    const log = path.join(root.dir, 'throttled.log');
    const gate = path.join(root.dir, 'throttled.go');
    const series = seriesSpec(
      id('throttled'),
      '[p]\ni = 1...1...4\n',
      `s=$(date +%s.%N); while [ ! -e ${gate} ]; do sleep 0.1; done; sleep 0.5; echo "$s $(date +%s.%N)" >> ${log}`,
      { maxRunning: 1, fairShare: { user: 'u', weight: 1, rank: 0 } },
    );
    await executor.stageSeries(series);
    const chunk = wholeChunk(4);
    await executor.stageChunk(series, chunk);
    const { jobId } = await executor.submit(series, chunk);
    const nices = await waitFor(
      async () => {
        const lines = await squeue(['-h', '--name', jobName(series.seriesId), '-o', '%y']);
        return lines.length > 0 ? lines : undefined;
      },
      { what: 'the array in squeue', timeoutMs: 30_000 },
    );
    assert.deepEqual(new Set(nices.map((n) => n.trim())), new Set([String(LOW_PRIORITY_NICE)]));
    await writeFile(gate, '');
    await pollUntilDone(executor, series, { ...chunk, jobId }, 4, { timeoutMs: 120_000 });
    const spans = await readSpans(log);
    assert.equal(spans.length, 4);
    assert.equal(maxOverlap(spans), 1, 'one task of the array at a time');
  });
});
