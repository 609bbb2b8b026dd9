// Placement of a multi-host series' chunks (workflows/placement.ts): pure rules, no server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityOf, multiHostChunkSize, Placement } from '../../workflows/placement.ts';

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
