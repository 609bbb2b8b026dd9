// Datasets in the reuse key (core/reuse-key.ts): a series without datasets keeps the key it had
// before datasets were part of it (series.reuse_key rows stay valid); with datasets, every part
// of each one — name, version, mount path, content — makes another key, and their order does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reuseKeyOf, type ReusableDataset, type ReuseKeyInput } from '../../core/reuse-key.ts';

const base: ReuseKeyInput = {
  application: {
    name: 'spiral',
    command: 'python3 spiral.py config.ini',
    configFile: 'config.ini',
    env: { LANG: 'C' },
    collect: ['*.png'],
  },
  host: 'cluster',
  packageSha256: 'a'.repeat(64),
  resources: { partition: 'gpu', cpus: 4, memory: '4G' },
};

const cells: ReusableDataset = {
  name: 'cells',
  version: 1,
  mountPath: 'inputs/cells',
  identity: `upload:${'b'.repeat(64)}`,
};
const mesh: ReusableDataset = {
  name: 'mesh',
  version: 3,
  mountPath: 'mesh',
  identity: 'host:cluster:/scratch/mesh',
};

test('without datasets the key is the one computed before datasets were part of it', () => {
  // Computed by the formula of commit 78c4d9a (before datasets), for this very input.
  const before = '05afe159b10b3a8073c7658242fdd0de759e6f8389e71c32e036becd0f225bec';
  assert.equal(reuseKeyOf(base), before);
  assert.equal(reuseKeyOf({ ...base, datasets: [] }), before);
  assert.equal(reuseKeyOf({ ...base, datasets: undefined }), before);
  assert.equal(
    reuseKeyOf({
      application: { name: 'noop', command: 'true', configFile: 'config.ini' },
      host: 'local',
      packageSha256: null,
      resources: {},
      datasets: [],
    }),
    '0f59d63b56c285c37b0127431e501a6a182d7da2671f2aeaf90f5b4c37027fbb',
  );
});

test('a dataset makes another key; each of its parts does too', () => {
  const withCells = reuseKeyOf({ ...base, datasets: [cells] });
  assert.notEqual(withCells, reuseKeyOf(base));
  const changed: Array<[string, ReusableDataset]> = [
    ['version', { ...cells, version: 2 }],
    ['name', { ...cells, name: 'cells2' }],
    ['mount path', { ...cells, mountPath: 'data/cells' }],
    ['content', { ...cells, identity: `upload:${'c'.repeat(64)}` }],
  ];
  const keys = new Set([withCells]);
  for (const [part, dataset] of changed) {
    const key = reuseKeyOf({ ...base, datasets: [dataset] });
    assert.notEqual(key, withCells, `another ${part} gives another key`);
    keys.add(key);
  }
  assert.equal(keys.size, changed.length + 1);
  assert.notEqual(reuseKeyOf({ ...base, datasets: [cells, mesh] }), withCells, 'one more dataset');
});

test('the order datasets are listed in does not count', () => {
  assert.equal(
    reuseKeyOf({ ...base, datasets: [cells, mesh] }),
    reuseKeyOf({ ...base, datasets: [mesh, cells] }),
  );
});
