// End to end on the `local` host: an application's post-processing command runs after the
// runs, reads runs.tsv (every run's index, dir, state, exit code), and what it writes into
// postprocess/ comes back through the API and into the archive — but not a link out of it.
// It runs again on demand; a failing command is shown and the series still completes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { list } from 'tar';
import { waitForSeriesEnd } from '../support/stack.ts';
import { useTestStack } from '../support/stack-per-file.ts';
import { waitFor } from '../support/wait.ts';

interface PostprocessBody {
  command: string | null;
  outcome: { state: string; exitCode?: number | null; startedAt?: string; endedAt?: string } | null;
  files: Array<{ path: string; size: number }>;
  truncated: boolean;
  log: string | null;
}

/** Fails the run whose x is 3, succeeds the others. */
const FAIL_ON_THREE = `python3 -c "import configparser, sys; c = configparser.ConfigParser(); c.read('config.ini'); sys.exit(1 if c['p']['x'] == '3' else 0)"`;

/** Counts the runs by state, copies runs.tsv, and tries to hand back a link to /etc/passwd. */
const SUMMARIZE = [
  `awk -F'\\t' 'NR > 1 { n[$3]++ } END { for (s in n) print s "," n[s] }' runs.tsv | sort >postprocess/states.csv`,
  'cp runs.tsv postprocess/runs.tsv',
  'mkdir -p postprocess/plots && printf "<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>" >postprocess/plots/a.svg',
  'ln -s /etc/passwd postprocess/leak',
  'echo summarized',
].join(' && ');

describe('series post-processing on the local host', { timeout: 300_000 }, () => {
  const testbed = useTestStack();

  const postprocessOf = async (id: string) => {
    const { status, body } = await testbed.stack.request<PostprocessBody>(
      'GET',
      `/api/v1/series/${id}/postprocess`,
    );
    assert.equal(status, 200, JSON.stringify(body));
    return body;
  };

  async function seriesOf(application: string, postprocess: string): Promise<string> {
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: application,
      command: FAIL_ON_THREE,
      postprocess,
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application,
      host: 'local',
      ini: '[p]\nx = 1 2 3\n',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ended = await waitForSeriesEnd(testbed.stack, created.body.id);
    assert.equal(ended.state, 'completed_with_failures', JSON.stringify(ended));
    return created.body.id;
  }

  test('its outputs are read through the API and archived; runs.tsv lists every run; a link is not collected', async () => {
    const id = await seriesOf('pp-summary', SUMMARIZE);
    const pp = await postprocessOf(id);
    assert.equal(pp.command, SUMMARIZE);
    assert.equal(pp.outcome?.state, 'succeeded');
    assert.equal(pp.outcome?.exitCode, 0);
    assert.match(pp.log ?? '', /summarized/);
    assert.deepEqual(
      pp.files.map((f) => f.path),
      ['plots/a.svg', 'runs.tsv', 'states.csv'],
    );

    const states = await testbed.stack.fetch(`/api/v1/series/${id}/postprocess/files/states.csv`);
    assert.equal(states.status, 200);
    assert.equal(await states.text(), 'failed,1\nsucceeded,2\n');

    const runsTsv = await (
      await testbed.stack.fetch(`/api/v1/series/${id}/postprocess/files/runs.tsv`)
    ).text();
    const { body: listed } = await testbed.stack.request<{
      runs: Array<{ index: number; dir: string; state: string }>;
    }>('GET', `/api/v1/series/${id}/runs`);
    assert.deepEqual(runsTsv.trimEnd().split('\n'), [
      'index\tdir\tstate\texit_code',
      ...listed.runs.map((r) => `${r.index}\t${r.dir}\t${r.state}\t${r.state === 'succeeded' ? 0 : 1}`),
    ]);

    const leak = await testbed.stack.fetch(`/api/v1/series/${id}/postprocess/files/leak`);
    assert.equal(leak.status, 404, 'a link the command left is not collected');
    const climb = await testbed.stack.fetch(
      `/api/v1/series/${id}/postprocess/files/..%2f..%2fpostprocess.log`,
    );
    assert.equal(climb.status, 400);

    const archived: string[] = [];
    await list({
      file: path.join(testbed.stack.dataDir, 'storage', `${id}.tar.gz`),
      onReadEntry: (e) => archived.push(e.path),
    });
    assert.ok(archived.includes(`${id}/postprocess/states.csv`), archived.join('\n'));
  });

  test('on demand: the step runs again; its outcome and outputs are the new run’s', async () => {
    const id = await seriesOf('pp-again', 'date +%s%N >postprocess/stamp.txt');
    const first = await postprocessOf(id);
    assert.equal(first.outcome?.state, 'succeeded');
    const stamp = await (
      await testbed.stack.fetch(`/api/v1/series/${id}/postprocess/files/stamp.txt`)
    ).text();

    const again = await testbed.stack.request<{ workflowId: string }>(
      'POST',
      `/api/v1/series/${id}/postprocess`,
    );
    assert.equal(again.status, 202, JSON.stringify(again.body));
    const second = await waitFor(
      async () => {
        const pp = await postprocessOf(id);
        return pp.outcome?.state === 'succeeded' && pp.outcome.startedAt !== first.outcome?.startedAt
          ? pp
          : undefined;
      },
      { what: 'the step to run again', timeoutMs: 120_000 },
    );
    assert.deepEqual(
      second.files.map((f) => f.path),
      ['stamp.txt'],
    );
    const restamped = await (
      await testbed.stack.fetch(`/api/v1/series/${id}/postprocess/files/stamp.txt`)
    ).text();
    assert.notEqual(restamped, stamp, 'the outputs are the new run of the command');
  });

  test('a failing command is shown, with its output, and does not fail the series', async () => {
    const id = await seriesOf('pp-fails', 'echo "no plot today" >&2; exit 4');
    const pp = await postprocessOf(id);
    assert.equal(pp.outcome?.state, 'failed');
    assert.equal(pp.outcome?.exitCode, 4);
    assert.match(pp.log ?? '', /no plot today/);
  });

  test('a series whose application declares none cannot be post-processed, and says why', async () => {
    const app = await testbed.stack.request('POST', '/api/v1/applications', {
      name: 'pp-none',
      command: 'true',
    });
    assert.equal(app.status, 201);
    const created = await testbed.stack.request<{ id: string }>('POST', '/api/v1/series', {
      application: 'pp-none',
      host: 'local',
      ini: '[p]\nx = 1\n',
    });
    await waitForSeriesEnd(testbed.stack, created.body.id);
    const refused = await testbed.stack.request<{ error: { message: string } }>(
      'POST',
      `/api/v1/series/${created.body.id}/postprocess`,
    );
    assert.equal(refused.status, 409);
    assert.match(JSON.stringify(refused.body), /declares no postprocess command/);
    assert.equal((await postprocessOf(created.body.id)).outcome, null);
  });

  test('the applications API refuses a postprocess command that is empty or holds a NUL byte, naming the field', async () => {
    for (const postprocess of ['', 'echo a\0b']) {
      const refused = await testbed.stack.request('POST', '/api/v1/applications', {
        name: 'pp-bad',
        command: 'true',
        postprocess,
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.match(JSON.stringify(refused.body), /postprocess/);
    }
  });
});
