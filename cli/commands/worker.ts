// `tuplet worker --host NAME | --control`: one worker process of a production topology.
// A host worker runs next to its cluster or workstation and needs Temporal and the host's key
// files, never the database; the control worker needs the database (DATABASE_URL).
import path from 'node:path';
import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { createLogger } from '../../log.ts';
import { startEmbeddedWorkers } from '../../workers/embedded.ts';
import { startHostWorker } from '../../workers/host.ts';
import { installTemporalRuntime } from '../../workers/runtime.ts';
import { CliInputError } from '../errors.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run one worker: the activities of one host, or the control worker (workflows + database)')
    .option('--host <name>', 'serve this registered host (task queue tuplet-host-NAME)')
    .option('--control', 'run the workflows and database activities (task queue tuplet-control)')
    .addHelpText(
      'after',
      `
Both connect to TEMPORAL_ADDRESS (required). A host worker runs the host's steps — staging,
submitting, polling, collecting (into TUPLET_DATA_DIR/storage) and cancelling; the SSH key and
known_hosts files named by the host's registration must exist on its machine. The control
worker needs DATABASE_URL.

Examples:
  # on a cluster's login node
  TEMPORAL_ADDRESS=temporal.lab.example:7233 tuplet worker --host cluster
  # next to the database
  TEMPORAL_ADDRESS=… DATABASE_URL=postgres://… tuplet worker --control`,
    )
    .action(async (options: { host?: string; control?: boolean }) => {
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
      const connection = await NativeConnection.connect({ address: config.temporal.address });
      const storageDir = path.join(config.dataDir, 'storage');
      let stop: () => Promise<void>;
      if (options.host) {
        const worker = await startHostWorker({
          connection,
          namespace: config.temporal.namespace,
          hostName: options.host,
          storageDir,
          logger,
        });
        stop = () => worker.shutdown();
        logger.info({ host: options.host, temporal: config.temporal.address }, 'host worker running');
      } else {
        const database = await openDatabase({ url: config.databaseUrl });
        const workers = await startEmbeddedWorkers({
          connection,
          namespace: config.temporal.namespace,
          db: database.db,
          storageDir,
          maxTuples: config.maxTuples,
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
    });
}
