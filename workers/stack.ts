// The embedded stack behind `tuplet up` (and the tests' startStack): Temporal dev server
// (unless TEMPORAL_ADDRESS), PGlite (unless DATABASE_URL), the workers and the HTTP API.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import { startPackagePurge } from '../api/series/package-purge.ts';
import type { Config } from '../config.ts';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { startPgliteUpkeep } from '../db/pglite-upkeep.ts';
import { openStorage } from '../files/storage/index.ts';
import type { Logger } from '../log.ts';
import { connectClient, connectWorkers, warnIfTemporalUnprotected } from '../temporal/connection.ts';
import { bootstrap, type BootstrapResult } from './bootstrap.ts';
import { checkHostThroughWorker } from './check-host.ts';
import { startTemporalDevServer } from './dev-server.ts';
import { startReconciler } from './reconcile.ts';
import { embeddedOptionsOf, startEmbeddedWorkers, type EmbeddedWorkers } from './embedded.ts';
import { installTemporalRuntime } from './runtime.ts';

export interface RunningStack {
  url: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  database: DatabaseHandle;
  storageDir: string;
  bootstrap: BootstrapResult;
  /** Absent when the control worker runs elsewhere. */
  workers: EmbeddedWorkers | undefined;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Serve every registered host from this process (the embedded default); false for a
   * production topology where `tuplet worker --host NAME` runs next to each host. */
  hostWorkers?: boolean;
  /** False: no control worker here either (it runs as `tuplet worker --control`). */
  controlWorker?: boolean;
}

export async function startStack(
  config: Config,
  logger: Logger,
  options: StackOptions = {},
): Promise<RunningStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) {
      await step().catch((error: unknown) =>
        logger.warn({ err: error }, 'stopping a part of the stack failed'),
      );
    }
  };
  installTemporalRuntime(config.logLevel);
  warnIfTemporalUnprotected(config, logger);
  try {
    await mkdir(config.dataDir, { recursive: true });
    const storageDir = path.join(config.dataDir, 'storage');
    await mkdir(storageDir, { recursive: true });
    // Outputs and archives: S3 when TUPLET_STORAGE_URL is set, else the disk at storageDir.
    const storage = openStorage(config.storage, config.dataDir);
    logger.info({ storage: storage.description }, 'storage');

    let temporalAddress = config.temporal.address;
    let temporalUiUrl = config.temporal.uiUrl;
    if (!temporalAddress) {
      const server = await startTemporalDevServer({
        dbFile: path.join(config.dataDir, 'temporal.sqlite'),
        port: 7233,
        uiPort: 8233,
        namespace: config.temporal.namespace,
        ...(config.payloadKey ? { uiCodecEndpoint: codecEndpoint(config) } : {}),
        log: logger,
      });
      stops.push(() => server.stop());
      temporalAddress = server.address;
      temporalUiUrl ??= server.uiUrl;
    }
    // Every connection below goes to this address, with the config's TLS, API key and codec.
    const temporalConfig = {
      ...config,
      temporal: { ...config.temporal, address: temporalAddress, uiUrl: temporalUiUrl },
    };

    const database = await openDatabase({
      ...(config.databaseUrl
        ? { url: config.databaseUrl }
        : { dataDir: path.join(config.dataDir, 'pglite') }),
    });
    stops.push(() => database.close());
    const boot = await bootstrap(database.db, {
      dataDir: config.dataDir,
      ...(config.admin.token ? { adminToken: config.admin.token } : {}),
      ...(config.admin.password ? { adminPassword: config.admin.password } : {}),
    });

    let workers: EmbeddedWorkers | undefined;
    if (options.controlWorker !== false) {
      const workerConnection = await connectWorkers(temporalConfig);
      stops.push(() => workerConnection.close());
      workers = await startEmbeddedWorkers({
        ...embeddedOptionsOf(config),
        connection: workerConnection,
        db: database.db,
        storageDir,
        storage,
        logger,
        hostWorkers: options.hostWorkers ?? true,
      });
      const running = workers;
      stops.push(() => running.shutdown());
    }

    const { client: temporal, close: closeClient } = await connectClient(temporalConfig);
    stops.push(closeClient);
    const app = createApp({
      db: database.db,
      temporal,
      config: temporalConfig,
      storageDir,
      storage,
      logger,
      checkHost: (host) => checkHostThroughWorker(temporal, host),
    });
    const purge = startPackagePurge({ db: database.db, storageDir, storage, config, logger });
    stops.push(() => purge.stop());
    if (database.kind === 'pglite') {
      // PostgreSQL vacuums and analyzes on its own; PGlite, with no background workers, never does.
      const upkeep = startPgliteUpkeep({ db: database.db, logger });
      stops.push(() => upkeep.stop());
    }
    // Series whose workflow closed without recording their end are repaired, now and every few minutes.
    const reconciler = startReconciler({ db: database.db, temporal, logger });
    stops.push(() => reconciler.stop());
    const server = await listen(app.fetch, config.listenHost, config.port);
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;

    return {
      url: `http://${config.listenHost}:${port}`,
      temporalAddress,
      temporalUiUrl,
      database,
      storageDir,
      bootstrap: boot,
      workers,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Where the embedded Temporal UI asks to decode payloads: our `/codec` route (api/routes/codec.ts),
 * which answers signed-in admins only.
 */
function codecEndpoint(config: Config): string {
  const host = ['0.0.0.0', '::'].includes(config.listenHost) ? '127.0.0.1' : config.listenHost;
  const base = config.publicUrl?.origin ?? `http://${host}:${config.port}`;
  return `${base}/codec`;
}

function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  hostname: string,
  port: number,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}
