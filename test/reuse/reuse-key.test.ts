// The reuse key (core/reuse-key.ts): equivalent spellings of the same series give one key;
// any change to what a run computes gives another.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, reuseKeyOf, type ReuseKeyInput } from '../../core/reuse-key.ts';

const base: ReuseKeyInput = {
  application: {
    name: 'spiral',
    command: 'python3 spiral.py config.ini',
    configFile: 'config.ini',
    env: { OMP_NUM_THREADS: '1', LANG: 'C' },
    collect: ['*.png', 'metrics.json'],
  },
  host: 'cluster',
  packageSha256: 'a'.repeat(64),
  resources: { partition: 'gpu', cpus: 4, memory: '4G', extra: ['--constraint=v100', '--exclusive'] },
};

const withApp = (patch: Partial<ReuseKeyInput['application']>): ReuseKeyInput => ({
  ...base,
  application: { ...base.application, ...patch },
});
const withResources = (patch: ReuseKeyInput['resources']): ReuseKeyInput => ({
  ...base,
  resources: { ...base.resources, ...patch },
});

test('equivalent spellings of the resources and the application give the same key', () => {
  const key = reuseKeyOf(base);
  assert.match(key, /^[0-9a-f]{64}$/);
  const equivalents: ReuseKeyInput[] = [
    withResources({ memory: '4096M' }),
    withResources({ memory: '4096' }),
    withResources({ memory: '4194304K' }),
    withResources({ memory: '4g' }),
    withResources({ gpus: 0 }),
    withResources({ partition: ' gpu ' }),
    withResources({ account: 'physics', qos: 'long', time: '2-00:00:00' }),
    withResources({ extra: ['--exclusive', '--constraint v100', '  --constraint=v100'] }),
    withApp({ env: { LANG: 'C', OMP_NUM_THREADS: '1' } }),
    withApp({ collect: ['metrics.json', '*.png'] }),
    // Neither the schema nor the post-processing step changes what a run computes.
    { ...withApp({}), application: { ...base.application, ...{ parameters: [{ name: 'x' }] } } },
  ];
  for (const input of equivalents) assert.equal(reuseKeyOf(input), key, JSON.stringify(input));
});

test('any change to what a run computes gives another key', () => {
  const key = reuseKeyOf(base);
  const changes: Record<string, ReuseKeyInput> = {
    'application name': withApp({ name: 'spiral2' }),
    command: withApp({ command: 'python3 spiral.py --fast config.ini' }),
    'config file': withApp({ configFile: 'model.ini' }),
    setup: withApp({ setup: 'make' }),
    env: withApp({ env: { OMP_NUM_THREADS: '2', LANG: 'C' } }),
    input: withApp({ input: { format: 'json', file: 'params.json' } }),
    collect: withApp({ collect: ['*.png'] }),
    'metric sources': withApp({ metricSources: [{ kind: 'stdout', name: 'e', pattern: 'e=(\\S+)' }] }),
    host: { ...base, host: 'workstation' },
    package: { ...base, packageSha256: 'b'.repeat(64) },
    'no package': { ...base, packageSha256: null },
    partition: withResources({ partition: 'cpu' }),
    cpus: withResources({ cpus: 8 }),
    gpus: withResources({ gpus: 1 }),
    memory: withResources({ memory: '8G' }),
    'extra directive': withResources({ extra: ['--constraint=a100', '--exclusive'] }),
  };
  const seen = new Map<string, string>([[key, 'base']]);
  for (const [what, input] of Object.entries(changes)) {
    const changed = reuseKeyOf(input);
    assert.ok(!seen.has(changed), `${what} gives the key of ${seen.get(changed)}`);
    seen.set(changed, what);
  }
});

test('canonical JSON sorts keys at every depth and drops undefined fields', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }),
    '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
  );
});

test("an application's row (nulls) and a series' snapshot of it (fields left out) give one key", () => {
  const row = {
    name: 'spiral',
    command: 'run',
    configFile: 'config.ini',
    setup: null,
    env: {},
    input: null,
    collect: null,
    metricSources: null,
  };
  const snapshot = { name: 'spiral', command: 'run', configFile: 'config.ini' };
  const where = { host: 'local', packageSha256: null, resources: {} };
  assert.equal(reuseKeyOf({ application: row, ...where }), reuseKeyOf({ application: snapshot, ...where }));
  assert.equal(
    reuseKeyOf({ application: { ...row, collect: [], metricSources: [] }, ...where }),
    reuseKeyOf({ application: snapshot, ...where }),
  );
});
