// Placement of a multi-host series' chunks (workflows/placement.ts): pure rules, no server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityOf, liveFree, multiHostChunkSize, Placement } from '../../workflows/placement.ts';

const runner = { chunkSize: 10_000, window: 1, pollMinMs: 250, pollMaxMs: 5_000 };
const slurm = { chunkSize: 1_000, window: 4, pollMinMs: 1_000, pollMaxMs: 60_000 };

test('a chunk goes to the host with a free lane and the most free capacity, ties to the first named', () => {
  const placement = new Placement([
    { name: 'a', capacity: 4, lanes: 1 },
    { name: 'b', capacity: 4, lanes: 2 },
    { name: 'c', capacity: 8, lanes: 1 },
  ]);
  assert.equal(placement.pick(2), 'c'); // 8 free
  assert.equal(placement.pick(2), 'a'); // a and b 4 free, c 6 but no lane: a first
  assert.equal(placement.pick(2), 'b');
  assert.equal(placement.pick(2), 'b'); // b's second lane
  assert.equal(placement.pick(2), undefined); // every lane taken
  placement.ended('a', 2);
  assert.equal(placement.pick(2), 'a');
});

test('a lost host takes no chunk; with every host lost none is placed', () => {
  const placement = new Placement(
    [
      { name: 'a', capacity: 4, lanes: 1 },
      { name: 'b', capacity: 2, lanes: 1 },
    ],
    ['a'],
  );
  assert.equal(placement.pick(1), 'b');
  placement.ended('b', 1);
  placement.markLost('b');
  assert.equal(placement.pick(1), undefined);
  assert.deepEqual(placement.liveHosts(), []);
  assert.deepEqual(placement.lostHosts().sort(), ['a', 'b']);
});

test('capacity: slots (GPUs when fewer) on runner hosts, the window of arrays on SLURM', () => {
  assert.equal(capacityOf({ name: 'l', kind: 'local', workdir: '/w', slots: 4, gpus: 2 }, runner), 2);
  assert.equal(capacityOf({ name: 'l', kind: 'ssh', workdir: '/w', slots: 3 }, runner), 3);
  assert.equal(capacityOf({ name: 's', kind: 'slurm', workdir: '/w' }, slurm), 4_000);
});

test('one chunk size for every host: several chunks per lane, never above a host limit', () => {
  assert.equal(multiHostChunkSize(24, [runner, runner, runner]), 2);
  assert.equal(multiHostChunkSize(1_000_000, [runner, slurm]), 1_000);
  assert.equal(multiHostChunkSize(3, [runner, slurm]), 1);
});

test('a drained host takes no chunk, an undrained one is back; allDrained when every live host is', () => {
  const placement = new Placement([
    { name: 'a', capacity: 8, lanes: 2 },
    { name: 'b', capacity: 2, lanes: 2 },
  ]);
  placement.observe(['a'], {});
  assert.deepEqual(placement.candidates(), ['b']);
  assert.equal(placement.allDrained(), false);
  assert.equal(placement.pick(1), 'b');
  placement.observe(['a', 'b'], {});
  assert.equal(placement.allDrained(), true);
  assert.equal(placement.pick(1), undefined);
  placement.ended('b', 1); // the chunk in flight on a drained host still ends there
  placement.observe([], {});
  assert.equal(placement.pick(1), 'a');
  placement.markLost('a');
  placement.observe(['b'], {});
  assert.equal(placement.allDrained(), true);
});

test('by live load: a runner host busy with other series loses to an idle one; a SLURM queue counts as busy', () => {
  const placement = new Placement([
    { name: 'busy', capacity: 8, lanes: 4 },
    { name: 'idle', capacity: 4, lanes: 4 },
  ]);
  assert.equal(placement.pick(1), 'busy'); // nothing reported: capacity less own runs, 8 > 4
  placement.ended('busy', 1);
  placement.observe([], { busy: { busyUnits: 7 }, idle: { busyUnits: 0 } });
  assert.equal(placement.pick(2), 'idle'); // 1 free against 4
  assert.equal(placement.pick(2), 'idle'); // 1 against 2
  assert.equal(placement.pick(2), 'busy'); // 1 against 0
  placement.observe([], {}); // a host that reports nothing is judged by capacity again
  assert.equal(placement.pick(1), 'busy'); // 8 - 2 = 6 against 4 - 4 = 0

  const slurm = new Placement([
    { name: 'queued', capacity: 4_000, lanes: 4 },
    { name: 'quiet', capacity: 1_000, lanes: 4 },
  ]);
  slurm.observe([], { queued: { pendingTasks: 3_500 }, quiet: { pendingTasks: 0 } });
  assert.equal(slurm.pick(100), 'quiet');
});

test('liveFree: slots less busy units, or capacity less pending tasks; nothing reported is no answer', () => {
  assert.equal(liveFree(4, { busyUnits: 3 }), 1);
  assert.equal(liveFree(4_000, { pendingTasks: 10 }), 3_990);
  assert.equal(liveFree(4, {}), undefined);
});
