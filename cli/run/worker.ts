// The action of `tuplet worker`, loaded only when that command runs.
import path from 'node:path';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { openStorage } from '../../files/storage/index.ts';
import { createLogger } from '../../log.ts';
import { connectWorkers, warnIfTemporalUnprotected } from '../../temporal/connection.ts';
import { tupletDataConverter } from '../../temporal/data-converter.ts';
import { embeddedOptionsOf, startEmbeddedWorkers } from '../../workers/embedded.ts';
import { startHostWorker } from '../../workers/host.ts';
import { installTemporalRuntime } from '../../workers/runtime.ts';
import { CliInputError } from '../errors.ts';

export async function runWorker(options: { host?: string; control?: boolean }): Promise<void> {
  if (Boolean(options.host) === Boolean(options.control)) {
    throw new CliInputError('give exactly one of --host NAME or --control');
  }
  const config = loadConfig();
  if (!config.temporal.address)
    throw new CliInputError('set TEMPORAL_ADDRESS to the Temporal server to serve');
  if (options.control && !config.databaseUrl)
    throw new CliInputError('the control worker needs DATABASE_URL');
  const logger = createLogger(config.logLevel);
  installTemporalRuntime(config.logLevel);
  warnIfTemporalUnprotected(config, logger);
  const connection = await connectWorkers(config);
  const dataConverter = tupletDataConverter(config.payloadKey);
  const storageDir = path.join(config.dataDir, 'storage');
  const storage = openStorage(config.storage, config.dataDir);
  let stop: () => Promise<void>;
  if (options.host) {
    const worker = await startHostWorker({
      connection,
      namespace: config.temporal.namespace,
      dataConverter,
      hostName: options.host,
      storageDir,
      storage,
      inputCacheTtlMs: config.hostCacheTtlHours * 3600_000,
      logger,
    });
    stop = () => worker.shutdown();
    logger.info({ host: options.host, temporal: config.temporal.address }, 'host worker running');
  } else {
    const database = await openDatabase({ url: config.databaseUrl });
    const workers = await startEmbeddedWorkers({
      ...embeddedOptionsOf(config),
      connection,
      db: database.db,
      storageDir,
      storage,
      logger,
      hostWorkers: false,
    });
    stop = async () => {
      await workers.shutdown();
      await database.close();
    };
    logger.info({ temporal: config.temporal.address }, 'control worker running');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  await connection.close();
}
