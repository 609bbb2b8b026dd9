// A host worker: the activities of one host on `tuplet-host-<name>`. It needs Temporal and
// the host's key files, never the database.
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { createHostActivities } from '../activities/host/index.ts';
import { createExecutor } from '../hosts/index.ts';
import type { Storage } from '../files/storage/index.ts';
import type { Logger } from '../log.ts';
import { hostTaskQueue } from '../core/naming.ts';
import { hostCapabilities } from './capabilities.ts';
import { HEARTBEAT_THROTTLE_MS } from './heartbeats.ts';

export interface HostWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** Tuplet's (temporal/data-converter.ts): with a payload key, inputs that fail
   * authentication are refused before any activity runs. */
  dataConverter: DataConverter;
  hostName: string;
  storageDir: string;
  /** Where outputs go when not the disk below storageDir (files/storage/index.ts openStorage). */
  storage?: Storage;
  /** How long the input cache keeps an unused copy (TUPLET_HOST_CACHE_TTL_HOURS); default 7 days. */
  inputCacheTtlMs?: number;
  logger: Logger;
}

export interface RunningHostWorker {
  hostName: string;
  worker: Worker;
  /** Settles when the worker has stopped (after shutdown()). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startHostWorker(options: HostWorkerOptions): Promise<RunningHostWorker> {
  const handle = createHostActivities({
    storageDir: options.storageDir,
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.inputCacheTtlMs ? { inputCacheTtlMs: options.inputCacheTtlMs } : {}),
    createExecutor: (host, logger) => createExecutor(host, { logger }),
    capabilities: hostCapabilities,
    logger: options.logger,
  });
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: hostTaskQueue(options.hostName),
    activities: handle.activities,
    dataConverter: options.dataConverter,
    shutdownGraceTime: '5s',
    // Beats reach the server as they are made (workers/heartbeats.ts).
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE_MS,
  });
  const done = worker.run().finally(() => handle.close());
  return {
    hostName: options.hostName,
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
