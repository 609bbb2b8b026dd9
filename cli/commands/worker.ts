// `tuplet worker --host NAME`: serve one host from this machine (next to a cluster or a
// GPU workstation). Needs Temporal and the host's key files, not the database.
import path from 'node:path';
import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { startHostWorker } from '../../workers/host.ts';
import { CliInputError } from '../errors.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description("serve one host's activities (task queue tuplet-host-NAME) from this machine")
    .requiredOption('--host <name>', 'the registered host this worker serves')
    .addHelpText(
      'after',
      `
The worker connects to TEMPORAL_ADDRESS (required) and runs the host's steps: staging,
submitting, polling, collecting (into TUPLET_DATA_DIR/storage) and cancelling. SSH keys and
known_hosts files named by the host's registration must exist on this machine.

Example, on a cluster's login node:
  TEMPORAL_ADDRESS=temporal.lab.example:7233 tuplet worker --host cluster`,
    )
    .action(async (options: { host: string }) => {
      const config = loadConfig();
      if (!config.temporal.address)
        throw new CliInputError('set TEMPORAL_ADDRESS to the Temporal server to serve');
      const logger = createLogger(config.logLevel);
      const connection = await NativeConnection.connect({ address: config.temporal.address });
      const worker = await startHostWorker({
        connection,
        namespace: config.temporal.namespace,
        hostName: options.host,
        storageDir: path.join(config.dataDir, 'storage'),
        logger,
      });
      logger.info({ host: options.host, temporal: config.temporal.address }, 'host worker running');
      const stop = () => void worker.shutdown();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await worker.done;
      await connection.close();
    });
}
