// A stack process killed with SIGKILL in the middle of a series, then started again, leaves
// the series to finish with every run counted exactly once and no run started twice.
// The detached runner keeps running while no worker exists; the workflow picks up after.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startPostgres, type PostgresServer } from '../support/postgres.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import {
  startStackProcess,
  tempDataDir,
  waitForSeries,
  waitForSeriesEnd,
  type ProcessStack,
  type SeriesBody,
} from '../support/stack.ts';

let temporal: TestTemporal;
let postgres: PostgresServer;
let stack: ProcessStack | undefined;

before(async () => {
  [temporal, postgres] = await Promise.all([startTemporal(), startPostgres()]);
});
after(async () => {
  await stack?.stop('SIGKILL');
  await Promise.all([temporal?.stop(), postgres?.stop()]);
});

test('SIGKILL of the stack mid-series: every run exactly once', { timeout: 300_000 }, async () => {
  const dataDir = await tempDataDir();
  const adminToken = `tpl_test_${randomBytes(12).toString('hex')}`;
  const options = { temporalAddress: temporal.address, databaseUrl: postgres.url, dataDir, adminToken };
  const startsLog = path.join(dataDir, 'starts.log');
  stack = await startStackProcess(options);

  const app = await stack.request('POST', '/api/v1/applications', {
    name: 'counter',
    command: `echo "$TUPLET_INDEX" >> ${JSON.stringify(startsLog)}; sleep 0.4; echo '{"index": '"$TUPLET_INDEX"'}' > metrics.json`,
  });
  assert.equal(app.status, 201, JSON.stringify(app.body));
  const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
    application: 'counter',
    host: 'local',
    ini: '[grid]\nx = 1...1...4\ny = 0.1...0.1...0.6\n',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;

  await waitForSeries<SeriesBody>(stack, id, (s) => s.counts.succeeded >= 3);
  await stack.stop('SIGKILL');
  stack = await startStackProcess(options);

  const series = await waitForSeriesEnd(stack, id);
  assert.equal(series.state, 'completed', JSON.stringify(series));
  assert.equal(series.counts.succeeded, 24);

  const starts = (await readFile(startsLog, 'utf8')).trim().split('\n').map(Number);
  assert.equal(starts.length, 24, 'each run started once');
  assert.deepEqual(
    [...new Set(starts)].sort((a, b) => a - b),
    Array.from({ length: 24 }, (_, i) => i),
  );
});
