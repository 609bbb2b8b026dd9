// Parsers of squeue, scontrol show config, sbatch and the jobcomp record, against output
// recorded from the real cluster (test/hosts/slurm/fixtures/, made by fixtures/record.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJobcomp } from '../../../hosts/slurm/jobcomp.ts';
import {
  SlurmSubmitError,
  SlurmUnavailableError,
  parseSbatchParsable,
  sbatchError,
} from '../../../hosts/slurm/sbatch.ts';
import { maxChunkSize, parseSlurmConfig } from '../../../hosts/slurm/scontrol.ts';
import { gpusIn, parseSinfo } from '../../../hosts/slurm/sinfo.ts';
import { heldReason, meaningOfState, parseSqueue, type SqueueRecord } from '../../../hosts/slurm/squeue.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const text = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const recorded = (name: string) =>
  JSON.parse(text(name)) as { argv: string[]; code: number; stdout: string; stderr: string };

void describe('scontrol show config', () => {
  void test('reads the limits and the jobcomp record', () => {
    const limits = parseSlurmConfig(text('scontrol-show-config.txt'));
    assert.deepEqual(limits, {
      maxArraySize: 1001,
      maxJobCount: 200000,
      minJobAgeSeconds: 60,
      jobCompType: 'jobcomp/filetxt',
      jobCompLoc: '/tmp/tuplet-record-slurm/log/jobcomp.txt',
      version: '22.05.8',
    });
    assert.equal(maxChunkSize(limits), 1001);
    assert.equal(maxChunkSize(limits, 500), 500);
    assert.equal(maxChunkSize({ ...limits, maxJobCount: 2000 }), 500);
  });

  void test('refuses output without the limits', () => {
    assert.throws(() => parseSlurmConfig(text('sinfo-version.txt')), /MaxArraySize/);
  });
});

void describe('sbatch', () => {
  void test('--parsable answer', () => {
    const ok = recorded('sbatch-ok.json');
    assert.equal(ok.code, 0);
    assert.deepEqual(parseSbatchParsable(ok.stdout), { jobId: '1' });
    assert.deepEqual(parseSbatchParsable('banner from a site wrapper\n42;cluster2\n'), {
      jobId: '42',
      cluster: 'cluster2',
    });
    assert.throws(() => parseSbatchParsable(''), /no job id/);
  });

  const refusals: Array<[string, string, string]> = [
    ['sbatch-invalid-partition.json', 'invalid_partition', 'Invalid partition name specified'],
    ['sbatch-array-too-large.json', 'invalid_request', 'Invalid job array specification'],
    ['sbatch-too-many-gpus.json', 'invalid_request', 'Requested node configuration is not available'],
    ['sbatch-too-much-memory.json', 'invalid_request', 'Requested node configuration is not available'],
    ['sbatch-bad-time.json', 'invalid_request', 'Invalid --time specification'],
    [
      'sbatch-submit-limit.json',
      'limit',
      "Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
    ],
  ];
  for (const [file, kind, message] of refusals) {
    void test(`refusal: ${file}`, () => {
      const r = recorded(file);
      assert.notEqual(r.code, 0);
      const error = sbatchError(r.code, r.stderr);
      assert.ok(error instanceof SlurmSubmitError, error.message);
      assert.equal(error.kind, kind);
      assert.equal(error.schedulerMessage, message);
      assert.equal(error.name, 'SlurmSubmitError');
    });
  }

  void test('controller down: retryable', () => {
    const r = recorded('sbatch-controller-down.json');
    const error = sbatchError(r.code, r.stderr);
    assert.ok(error instanceof SlurmUnavailableError);
    assert.equal(error.schedulerMessage, 'Unable to contact slurm controller (connect failure)');
  });

  void test('what this cluster accepts without slurmdbd: an unknown QOS, a time over the partition limit', () => {
    // Recorded facts the executor relies on: these come back as job ids, not errors.
    assert.equal(recorded('sbatch-invalid-qos.json').code, 0);
    assert.equal(recorded('sbatch-time-over-partition-limit.json').code, 0);
  });
});

void describe('squeue', () => {
  const jobs = JSON.parse(text('jobs.json')) as Record<string, string>;
  const all = parseSqueue(text('squeue-all-states.txt'));
  const byComment = (what: string): SqueueRecord[] => all.filter((r) => r.comment === `tuplet:rec:${what}`);
  const one = (what: string): SqueueRecord => {
    const found = byComment(what);
    assert.equal(found.length, 1, what);
    return found[0]!;
  };

  void test('every line parses, foreign jobs too', () => {
    assert.equal(all.length, text('squeue-all-states.txt').trim().split('\n').length);
    const foreign = all.find((r) => r.name === 'wrap' && r.state === 'PENDING');
    assert.equal(foreign?.comment, '');
    assert.equal(foreign?.reason, 'PartitionTimeLimit');
    assert.equal(foreign?.arrayTasks, undefined);
  });

  void test('held jobs: reasons that need a person, from recorded and typical output', () => {
    const foreign = all.find((r) => r.name === 'wrap' && r.state === 'PENDING')!;
    assert.equal(
      heldReason(foreign),
      "PartitionTimeLimit: the time limit asked for exceeds the partition's maximum",
    );
    // The same reason on a job that no longer waits, or queue reasons that clear by themselves: not held.
    assert.equal(heldReason({ ...foreign, state: 'CANCELLED' }), undefined);
    for (const reason of ['Priority', 'Resources', 'AssocGrpCpuLimit', 'None', '']) {
      assert.equal(heldReason({ state: 'PENDING', reason }), undefined, reason);
    }
    assert.equal(
      heldReason({ state: 'PENDING', reason: '(ReqNodeNotAvail, UnavailableNodes:node[1-2])' }),
      'ReqNodeNotAvail: a node the job needs is down, drained or reserved',
    );
  });

  void test('failure states are kept apart', () => {
    const cases: Array<[string, string, string, string]> = [
      ['timeout', 'TIMEOUT', 'failed', 'TIMEOUT'],
      ['oom', 'OUT_OF_MEMORY', 'failed', 'OUT_OF_MEMORY'],
      ['node-fail', 'NODE_FAIL', 'failed', 'NODE_FAIL'],
      ['preempted', 'PREEMPTED', 'failed', 'PREEMPTED'],
      ['failed', 'FAILED', 'failed', 'FAILED'],
    ];
    for (const [what, slurmState, state, reason] of cases) {
      const record = one(what);
      assert.equal(record.state, slurmState, what);
      assert.deepEqual(meaningOfState(record.state), { alive: false, state, reason }, what);
    }
    assert.equal(one('timeout').jobId, jobs.timeout);
    assert.equal(one('timeout').arrayTasks, '0');
    assert.equal(one('timeout').reason, 'TimeLimit');
    assert.equal(one('oom').reason, 'OutOfMemory');
    assert.equal(one('node-fail').reason, 'NodeDown');
  });

  void test('completed, cancelled, and a cancelled pending range', () => {
    const completed = byComment('completed');
    assert.deepEqual(
      completed.map((r) => r.arrayTasks),
      ['0', '1', '2'],
    );
    assert.ok(completed.every((r) => meaningOfState(r.state).state === 'succeeded'));

    const cancelled = byComment('cancelled');
    assert.equal(cancelled.length, 2);
    // The tasks that never started stay compressed on one line, with the throttle.
    assert.deepEqual(cancelled.map((r) => r.arrayTasks).sort(), ['0', '1-5%1']);
    for (const r of cancelled)
      assert.deepEqual(meaningOfState(r.state), { alive: false, state: 'cancelled', reason: 'CANCELLED' });

    const held = one('held');
    assert.equal(held.arrayTasks, '0-19%4');
    assert.equal(held.state, 'CANCELLED');
  });

  void test('times: ISO when known, absent for N/A and NONE', () => {
    const timeout = one('timeout');
    assert.equal(timeout.startTime, new Date('2026-11-22T02:19:00').toISOString());
    assert.equal(timeout.endTime, new Date('2026-11-22T02:20:27').toISOString());
    const running = parseSqueue(text('squeue-running-throttled.txt')).find((r) => r.state === 'RUNNING')!;
    assert.ok(running.startTime);
    assert.equal(running.endTime, undefined);
  });

  void test('pending and running lines: alive', () => {
    const [held] = parseSqueue(text('squeue-pending-held.txt'));
    assert.deepEqual(
      {
        state: held!.state,
        arrayTasks: held!.arrayTasks,
        reason: held!.reason,
        jobId: held!.jobId,
      },
      { state: 'PENDING', arrayTasks: '0-19%4', reason: 'JobHeldUser', jobId: jobs.held },
    );
    assert.deepEqual(meaningOfState('PENDING'), { alive: true, state: 'queued' });

    const running = parseSqueue(text('squeue-running-throttled.txt'));
    assert.deepEqual(
      running.map((r) => [r.state, r.arrayTasks, r.reason]),
      [
        ['PENDING', '1-5%1', 'JobArrayTaskLimit'],
        ['RUNNING', '0', 'None'],
      ],
    );
    assert.deepEqual(meaningOfState('RUNNING'), { alive: true, state: 'running' });
    assert.deepEqual(meaningOfState('COMPLETING'), { alive: true, state: 'running' });
  });

  void test('a squeue error is not output', () => {
    const down = recorded('squeue-controller-down.json');
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Unable to contact slurm controller/);
    assert.throws(() => parseSqueue('slurm_load_jobs error: Unable to contact slurm controller'), /fields/);
  });

  void test('an unknown state counts as alive (waiting is safe, a false failure is not)', () => {
    assert.deepEqual(meaningOfState('SOME_NEW_STATE'), { alive: true, state: 'queued' });
  });
});

void describe('jobcomp record', () => {
  const jobs = JSON.parse(text('jobs.json')) as Record<string, string>;
  const records = parseJobcomp(text('jobcomp.txt'));

  void test('one record per line', () => {
    assert.equal(records.length, text('jobcomp.txt').trim().split('\n').length);
  });

  void test('array tasks carry their array job and task id and state', () => {
    const timeout = records.find((r) => r.arrayJobId === jobs.timeout)!;
    assert.equal(timeout.state, 'TIMEOUT');
    assert.equal(timeout.arrayTaskId, 0);
    assert.equal(timeout.name, 'tuplet-rec');
    assert.equal(timeout.endTime, new Date('2026-11-22T02:20:27').toISOString());

    const completed = records.filter((r) => r.arrayJobId === jobs.completed);
    assert.deepEqual(completed.map((r) => r.arrayTaskId).sort(), [0, 1, 2]);
    assert.ok(completed.every((r) => r.state === 'COMPLETED' && r.exitCode === 0));
  });

  void test('states and exit codes of plain jobs', () => {
    const byId = (id: string) => records.find((r) => r.jobId === id && r.arrayJobId === undefined)!;
    assert.deepEqual([byId(jobs.failed!).state, byId(jobs.failed!).exitCode], ['FAILED', 3]);
    assert.deepEqual([byId(jobs.oom!).state, byId(jobs.oom!).signal], ['OUT_OF_MEMORY', 125]);
    assert.equal(byId(jobs.low!).state, 'PREEMPTED');
  });

  void test('a pending array cancelled before it started: one line without array fields', () => {
    const held = records.find((r) => r.jobId === jobs.held)!;
    assert.equal(held.state, 'CANCELLED');
    assert.equal(held.arrayJobId, undefined);
    assert.equal(held.startTime, new Date(held.endTime!).toISOString());
  });
});

void describe('sinfo (connection test)', () => {
  void test('partitions, GPUs and the free ones, one GPU in use', () => {
    const info = parseSinfo(text('sinfo.txt'));
    assert.deepEqual(info.partitions, [
      { name: 'debug', default: true, available: true, timeLimit: 'infinite', nodes: { mixed: 1 } },
      { name: 'gpu', default: false, available: true, timeLimit: '2:00:00', nodes: { mixed: 1 } },
    ]);
    assert.deepEqual(info.nodes, [
      {
        name: 'localhost',
        partitions: ['debug', 'gpu'],
        state: 'mixed',
        gpus: 2,
        gpusUsed: 1,
        cpusIdle: 1,
        cpus: 2,
      },
    ]);
    assert.equal(info.gpus, 2);
    assert.equal(info.freeGpus, 1);
  });

  void test('GRES forms', () => {
    assert.equal(gpusIn('(null)'), 0);
    assert.equal(gpusIn('gpu:a100:4(S:0-1)'), 4);
    assert.equal(gpusIn('gpu:1(IDX:0,2),mps:100'), 1);
    assert.equal(gpusIn('gpu:a100:2,gpu:v100:1'), 3);
  });
});
