// What the end-to-end tests of input formats share (test/engine/template-input.test.ts and
// test/hosts/slurm/template-input.test.ts): the template example's expected runs, worked out
// here independently of sweep/ and sweep/render/, and a probe application that records the
// argv and TUPLET_P_* variables it was started with.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { waitForSeriesEnd, type Api } from './stack.ts';

const exampleDir = path.resolve(import.meta.dirname, '../../examples/binding');
const bindingSweepFile = path.join(exampleDir, 'sweep.ini');

/** A run as GET /api/v1/series/:id/runs lists it (the fields these tests read). */
export interface ListedRun {
  index: number;
  dir: string;
  state: string;
  params: Record<string, string>;
  metrics: Record<string, unknown> | null;
}

/**
 * The example's 11 runs, by hand: kon × (dt, steps) advancing together, without the one
 * excluded combination (kon ≥ 0.03 with dt ≥ 0.04), constants as sweep.ini sets them.
 */
function expectedBindingRuns(): Array<Record<string, string>> {
  const linked = [
    ['0.04', '250'],
    ['0.02', '500'],
    ['0.01', '1000'],
  ];
  const runs: Array<Record<string, string>> = [];
  for (const kon of ['0.001', '0.003', '0.01', '0.03']) {
    for (const [dt, steps] of linked) {
      if (kon === '0.03' && dt === '0.04') continue;
      runs.push({
        'reaction.kon': kon,
        'reaction.koff': '0.1',
        'molecules.a': '200',
        'molecules.b': '150',
        'time.dt': dt!,
        'time.steps': steps!,
        'random.seed': '7',
      });
    }
  }
  return runs;
}

/** `define NAME value` lines of a model, as the simulator reads them. */
function definesOf(model: string): Record<string, string> {
  const defines: Record<string, string> = {};
  for (const match of model.matchAll(/^define\s+(\S+)\s+(.*?)\s*$/gm)) defines[match[1]!] = match[2]!;
  return defines;
}

/** Where a host keeps the run directories of a series. */
export type RunsDirOf = (seriesId: string) => string;

/** Runs a series of `application` on `host` to its end; it must complete. Its id. */
async function completedSeries(api: Api, application: string, host: string, ini: string): Promise<string> {
  const created = await api.request<{ id: string }>('POST', '/api/v1/series', { application, host, ini });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const series = await waitForSeriesEnd(api, created.body.id);
  assert.equal(series.state, 'completed', JSON.stringify(series));
  return created.body.id;
}

/**
 * Runs the template example's sweep on `host` and checks every run: the runs are exactly
 * the expected combinations, each one's model.txt is model.tpl with its own values and
 * nothing else, and the simulator read it (metrics).
 */
export async function runBindingExample(api: Api, host: string, runsDirOf: RunsDirOf): Promise<void> {
  const seriesId = await completedSeries(api, 'binding', host, await readFile(bindingSweepFile, 'utf8'));
  const runsDir = runsDirOf(seriesId);
  const { status, body } = await api.request<{ runs: ListedRun[] }>(
    'GET',
    `/api/v1/series/${seriesId}/runs?limit=100`,
  );
  assert.equal(status, 200);
  const expected = expectedBindingRuns();
  assert.equal(body.runs.length, expected.length);
  const template = await readFile(path.join(exampleDir, 'model.tpl'), 'utf8');
  // NAME → the key its placeholder names, e.g. KON → reaction.kon.
  const keyOfDefine = Object.fromEntries(
    Object.entries(definesOf(template)).map(([name, value]) => [name, /^\{\{(.+)\}\}$/.exec(value)![1]!]),
  );
  assert.equal(Object.keys(keyOfDefine).length, 7);
  for (const run of body.runs) {
    assert.equal(run.state, 'succeeded', `run ${run.dir}`);
    const values = expected[run.index]!;
    assert.deepEqual(Object.keys(run.params).sort(), ['reaction.kon', 'time.dt', 'time.steps']);
    for (const [name, value] of Object.entries(run.params)) assert.equal(values[name], value, run.dir);
    const model = await readFile(path.join(runsDir, run.dir, 'model.txt'), 'utf8');
    assert.deepEqual(
      definesOf(model),
      Object.fromEntries(Object.entries(keyOfDefine).map(([name, key]) => [name, values[key]])),
      `run ${run.dir}: its define lines carry its tuple's values`,
    );
    const filled: Record<string, string> = {
      ...values,
      'tuplet.dir': run.dir,
      'tuplet.index': String(run.index),
    };
    assert.equal(
      model,
      template.replace(/\{\{([^{}]+)\}\}/g, (_, name: string) => filled[name]!),
      `run ${run.dir}: model.txt is the template with its values and nothing else`,
    );
    assert.equal(typeof run.metrics?.bound_fraction, 'number', `run ${run.dir} was simulated`);
    assert.equal(run.metrics?.final_time, 10);
  }
}

/** Records the argv and the TUPLET_P_* variables the program gets, in seen.json. */
const ARGV_PROBE_COMMAND =
  `python3 -c 'import json, os, sys; json.dump({"argv": sys.argv[1:], "env": ` +
  `{k: v for k, v in os.environ.items() if k.startswith("TUPLET_P_")}}, open("seen.json", "w"))'`;

/** Values a shell would run or split: they must reach the program as plain text. */
const HOSTILE_PROBE_SWEEP = '[p]\nx = 1 2\nnote = "$(touch pwned) two words" "it\'s `touch pwned`"\n';

/**
 * Registers an `args` application that records what it gets, runs HOSTILE_PROBE_SWEEP on
 * `host`, and checks that every run saw its values as single argv elements and TUPLET_P_*
 * variables, and that no value ran.
 */
export async function runArgvProbe(api: Api, host: string, runsDirOf: RunsDirOf): Promise<void> {
  const app = await api.request('POST', '/api/v1/applications', {
    name: 'argv-probe',
    command: ARGV_PROBE_COMMAND,
    input: { format: 'args' },
  });
  assert.equal(app.status, 201, JSON.stringify(app.body));
  const seriesId = await completedSeries(api, 'argv-probe', host, HOSTILE_PROBE_SWEEP);
  const runsDir = runsDirOf(seriesId);
  const { body } = await api.request<{ runs: ListedRun[] }>('GET', `/api/v1/series/${seriesId}/runs`);
  assert.equal(body.runs.length, 4);
  const seenNotes = new Set<string>();
  for (const run of body.runs) {
    assert.equal(run.state, 'succeeded', run.dir);
    const x = run.params['p.x']!;
    const note = run.params['p.note']!;
    seenNotes.add(note);
    const seen = JSON.parse(await readFile(path.join(runsDir, run.dir, 'seen.json'), 'utf8')) as {
      argv: string[];
      env: Record<string, string>;
    };
    assert.deepEqual(seen.argv, [`--p.x=${x}`, `--p.note=${note}`], run.dir);
    assert.deepEqual(seen.env, { TUPLET_P_P_X: x, TUPLET_P_P_NOTE: note }, run.dir);
    assert.equal(existsSync(path.join(runsDir, run.dir, 'pwned')), false, `${run.dir}: no value ran`);
  }
  assert.deepEqual([...seenNotes].sort(), ['$(touch pwned) two words', "it's `touch pwned`"]);
}
