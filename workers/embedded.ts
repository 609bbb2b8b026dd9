// The embedded all-in-one worker set: the control worker plus a host worker for every
// registered host, picking up hosts registered while it runs.
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { listHostNames } from '../db/hosts.ts';
import type { ControlDeps } from '../activities/control/index.ts';
import type { Config } from '../config.ts';
import { tupletDataConverter } from '../temporal/data-converter.ts';
import { workflowBundle } from './bundle.ts';
import { createControlWorker } from './control.ts';
import { startHostWorker, type RunningHostWorker } from './host.ts';

/** The control worker's dependencies (ControlDeps), and what the embedded set adds around them. */
export interface EmbeddedWorkersOptions extends ControlDeps {
  connection: NativeConnection;
  namespace: string;
  /** Tuplet's (temporal/data-converter.ts), for every worker started here. */
  dataConverter: DataConverter;
  /** How often the hosts table is read for new hosts. */
  hostScanMs?: number;
  /** False: only the control worker (hosts are served by `tuplet worker --host NAME` elsewhere). */
  hostWorkers?: boolean;
}

/** What a set started by a Tuplet process (`tuplet up`, `tuplet worker --control`) takes from its configuration. */
export function embeddedOptionsOf(
  config: Config,
): Pick<
  EmbeddedWorkersOptions,
  'namespace' | 'dataConverter' | 'maxTuples' | 'hostCacheTtlHours' | 'notify'
> {
  return {
    namespace: config.temporal.namespace,
    dataConverter: tupletDataConverter(config.payloadKey),
    maxTuples: config.maxTuples,
    hostCacheTtlHours: config.hostCacheTtlHours,
    notify: config,
  };
}

export interface EmbeddedWorkers {
  /** Starts host workers for hosts registered since the last look (also runs on a timer). */
  refreshHosts(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startEmbeddedWorkers(options: EmbeddedWorkersOptions): Promise<EmbeddedWorkers> {
  const { logger } = options;
  const control: Worker = await createControlWorker({
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: options.dataConverter,
    workflowBundle: await workflowBundle(options.dataConverter),
    db: options.db,
    storageDir: options.storageDir,
    ...(options.storage ? { storage: options.storage } : {}),
    maxTuples: options.maxTuples,
    hostCacheTtlHours: options.hostCacheTtlHours,
    logger,
    notify: options.notify,
  });
  const controlDone = control.run();
  const hostWorkers = new Map<string, Promise<RunningHostWorker>>();

  const refreshHosts = async () => {
    if (options.hostWorkers === false) return;
    for (const name of await listHostNames(options.db)) {
      if (hostWorkers.has(name)) continue;
      const starting = startHostWorker({
        connection: options.connection,
        namespace: options.namespace,
        dataConverter: options.dataConverter,
        hostName: name,
        storageDir: options.storageDir,
        ...(options.storage ? { storage: options.storage } : {}),
        ...(options.hostCacheTtlHours ? { inputCacheTtlMs: options.hostCacheTtlHours * 3600_000 } : {}),
        logger,
      });
      hostWorkers.set(name, starting);
      starting.then(
        () => logger.info({ host: name }, 'host worker started'),
        (error: unknown) => {
          hostWorkers.delete(name);
          logger.error({ host: name, err: error }, 'host worker failed to start');
        },
      );
    }
  };
  await refreshHosts();
  const timer = setInterval(() => {
    refreshHosts().catch((error: unknown) => logger.warn({ err: error }, 'could not read hosts'));
  }, options.hostScanMs ?? 5_000);

  return {
    refreshHosts,
    async shutdown() {
      clearInterval(timer);
      const running = await Promise.allSettled(hostWorkers.values());
      await Promise.allSettled(
        running.flatMap((r) => (r.status === 'fulfilled' ? [r.value.shutdown()] : [])),
      );
      if (control.getState() === 'RUNNING') control.shutdown();
      await controlDone;
    },
  };
}
