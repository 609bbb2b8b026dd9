// Replay: every committed history (test/fixtures/histories/, captured from real runs by
// capture.ts there) is replayed against the current workflow bundle. A change to workflow code
// that would make a running series take another path than its history says — an activity
// added, removed or reordered without `patched()` — fails here, before it fails in production
// with a non-determinism error. See docs/workflows.md.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { workflowBundle } from '../../workers/bundle.ts';

const historiesDir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const files = (await readdir(historiesDir)).filter((name) => name.endsWith('.json')).sort();
/** The histories are captured without a payload key; the bundle must be built the same way. */
const plainDataConverter = {};

/** One committed history, from Temporal's JSON history format. */
async function readHistory(file: string) {
  return historyFromJSON(JSON.parse(await readFile(path.join(historiesDir, file), 'utf8')));
}

describe('committed workflow histories replay against the current workflow code', () => {
  let bundle: WorkflowBundle;
  before(async () => {
    Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    bundle = await workflowBundle(plainDataConverter);
  });
  after(() => Runtime.instance().shutdown());

  test('there is a history of every workflow type', async () => {
    const types = new Set<string>();
    for (const file of files) {
      const history = await readHistory(file);
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      types.add(started?.workflowType?.name ?? `no start event in ${file}`);
    }
    assert.deepEqual([...types].sort(), [
      'chunkWorkflow',
      'hostCheckWorkflow',
      'postprocessWorkflow',
      'seriesWorkflow',
    ]);
  });

  test('every history replays without a non-determinism error', async () => {
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: file.replace(/\.json$/, ''),
        history: await readHistory(file),
      })),
    );
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.equal(replayed, files.length, 'every history was replayed');
    assert.deepEqual(failures, []);
  });
});
