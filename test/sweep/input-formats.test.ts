// Each input format, read back by its reference parser in another language (Python's json
// and tomllib, PyYAML, f90nml) for every tuple of a 1,000-tuple sweep: each file must carry
// exactly its tuple's values, typed as the sweep typed them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseSweep, tuplesInRange, type Tuple } from '../../sweep/index.ts';
import { compileInput, parameterEnvName } from '../../sweep/render/index.ts';
import { sweepKeys, typeOfText } from '../../sweep/render/keys.ts';
import type { InputSpec } from '../../core/input-format.ts';

const root = path.join(import.meta.dirname, '..', '..');
const python = execFileSync('bash', [path.join(root, 'scripts/ensure-format-readers.sh')], {
  encoding: 'utf8',
}).trim();
const reader = path.join(import.meta.dirname, 'input-formats', 'read-back.py');

// 10 × 10 × 10 tuples: numbers in every spelling, strings that look like other things, a range.
const SWEEP = `; keys before any section are top-level in nested formats
[model]
a = 1e-3 2.5E-3 .5 3. +1 007 -0.25 1.0 100 12345678901
name = "x" "it's" yes "a: b" "#hash" "1" on "  spaced" "ünï" null
dt = 0.001...0.001...0.010
[run]
flag = true
n = 42
label = "hello world"
`;
const sweep = parseSweep(SWEEP);
const tuples = [...tuplesInRange(sweep, 0, 1000)];
const keys = sweepKeys(sweep);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tuplet-input-formats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What the reader must see for `name` in tuple `tuple`: [type, value] as read-back.py prints it. */
function expected(tuple: Tuple, options: { typed: boolean }): Record<string, [string, unknown]> {
  const out: Record<string, [string, unknown]> = {};
  for (const key of keys) {
    const value = key.varied ? tuple.values[key.name]! : key.values[0]!;
    const typed = options.typed ? key.typeOf(value) : typeOfText(value, true);
    out[key.name] =
      typed.type === 'integer'
        ? ['integer', BigInt(typed.text).toString()]
        : typed.type === 'float'
          ? ['float', Number(typed.text)]
          : typed.type === 'boolean'
            ? ['boolean', typed.text === 'true']
            : ['string', typed.text];
  }
  return out;
}

function readBack(
  format: string,
  spec: InputSpec,
  file: string,
  template?: string,
): Array<Record<string, [string, unknown]>> {
  const run = compileInput(sweep, spec, {
    configFile: 'input',
    ...(template ? { template: { name: 'model.tpl', text: template } } : {}),
  }).find((f) => f.path === file)!;
  const paths = tuples.map((tuple) => {
    const target = path.join(dir, `${format}-${tuple.index}`);
    writeFileSync(target, run.render(tuple));
    return target;
  });
  const lines = execFileSync(python, [reader, format, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .trim()
    .split('\n');
  return lines.map((line) => {
    const read = JSON.parse(line) as Record<string, [string, unknown]>;
    for (const pair of Object.values(read)) if (pair[0] === 'float') pair[1] = Number(pair[1]);
    return read;
  });
}

describe('every tuple of a 1,000-tuple sweep reads back with the reference parser', () => {
  for (const format of ['json', 'toml', 'yaml', 'namelist'] as const) {
    test(format, () => {
      const read = readBack(format, { format }, 'input');
      assert.equal(read.length, 1000);
      tuples.forEach((tuple, i) => assert.deepEqual(read[i], expected(tuple, { typed: true }), `tuple ${i}`));
    });
  }

  test('args: one element per key, --section.key=value, values as written', () => {
    const read = readBack('args', { format: 'args' }, '.tuplet/argv');
    tuples.forEach((tuple, i) => {
      const want = Object.fromEntries(
        Object.entries(expected(tuple, { typed: false })).map(([name, value]) => [`--${name}`, value]),
      );
      assert.deepEqual(read[i], want, `tuple ${i}`);
    });
  });

  test('env: TUPLET_P_SECTION_KEY=value with every format', () => {
    const read = readBack('env', { format: 'json' }, '.tuplet/env');
    tuples.forEach((tuple, i) => {
      const want = Object.fromEntries(
        keys.map((key) => [parameterEnvName(key), expected(tuple, { typed: false })[key.name]!]),
      );
      assert.deepEqual(read[i], want, `tuple ${i}`);
    });
  });

  test('template: each placeholder gets its tuple value', () => {
    const template = keys.map((key) => `define ${key.name} {{${key.name}}}`).join('\n') + '\n';
    const read = readBack('template', { format: 'template', template: 'model.tpl' }, 'input', template);
    tuples.forEach((tuple, i) => {
      assert.deepEqual(read[i], expected(tuple, { typed: false }), `tuple ${i}`);
    });
  });
});
