// A host worker in the test process (the stack started without its own), for tests that stop
// one host's worker mid-series: served like `tuplet worker --host NAME`, collecting into the
// stack's storage.
import path from 'node:path';
import type { NativeConnection } from '@temporalio/worker';
import { createLogger } from '../../log.ts';
import { tupletDataConverter } from '../../temporal/data-converter.ts';
import { startHostWorker, type RunningHostWorker } from '../../workers/host.ts';

export function startTestHostWorker(
  connection: NativeConnection,
  hostName: string,
  dataDir: string,
): Promise<RunningHostWorker> {
  return startHostWorker({
    connection,
    namespace: 'default',
    dataConverter: tupletDataConverter(undefined),
    hostName,
    storageDir: path.join(dataDir, 'storage'),
    logger: createLogger('warn', `test-host-${hostName}`),
  });
}
