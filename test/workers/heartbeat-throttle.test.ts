// The host worker's long steps (collect, stage, setup…) beat every HEARTBEAT_EVERY_MS; what
// counts is how often the server hears them, against the long steps' heartbeat timeout of 15 s
// (workflows/activities.ts). The SDK holds beats back up to min(0.8 × timeout, the worker's
// maxHeartbeatThrottleInterval): 12 s by default, which left 3 s of slack, and under load a late
// flush timed a collect out and ran it twice (docs/scale.md, "The stall"). A real host worker on
// the real dev server, its compiled options read back.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { NativeConnection } from '@temporalio/worker';
import { HEARTBEAT_EVERY_MS } from '../../activities/host/index.ts';
import { createLogger } from '../../log.ts';
import { startHostWorker, type RunningHostWorker } from '../../workers/host.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

/** heartbeatTimeout of the long host and control steps (workflows/activities.ts). */
const LONG_STEP_HEARTBEAT_TIMEOUT_MS = 15_000;

let temporal: TestTemporal;
let connection: NativeConnection;
let hostWorker: RunningHostWorker;

before(async () => {
  temporal = await startTemporal();
  connection = await NativeConnection.connect({ address: temporal.address });
  hostWorker = await startHostWorker({
    connection,
    namespace: temporal.namespace,
    dataConverter: {},
    hostName: 'beats',
    storageDir: path.join(os.tmpdir(), 'tuplet-test-heartbeat-throttle'),
    logger: createLogger('warn'),
  });
});
after(async () => {
  await hostWorker?.shutdown();
  await connection?.close();
  await temporal?.stop();
});

void test('the server hears a long step at least twice per heartbeat timeout', () => {
  const throttle = Math.min(
    0.8 * LONG_STEP_HEARTBEAT_TIMEOUT_MS,
    hostWorker.worker.options.maxHeartbeatThrottleIntervalMs,
  );
  // A beat reaches the server at the later of its making and the end of the throttle.
  const heard = Math.max(HEARTBEAT_EVERY_MS, throttle);
  assert.ok(
    heard <= LONG_STEP_HEARTBEAT_TIMEOUT_MS / 2,
    `the server hears a long step every ${heard} ms, against a heartbeat timeout of ${LONG_STEP_HEARTBEAT_TIMEOUT_MS} ms`,
  );
});
