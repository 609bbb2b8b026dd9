// `tuplet up`: the whole embedded stack in one process (what `npm start` runs).
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { startStack } from '../../workers/stack.ts';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('run the embedded stack: Temporal dev server, PGlite, workers, API and web UI')
    .option(
      '--no-host-workers',
      'do not serve hosts from this process (run `tuplet worker --host NAME` next to each)',
    )
    .option('--no-control-worker', 'API and web UI only (run `tuplet worker --control` elsewhere)')
    .addHelpText(
      'after',
      `
Environment: TUPLET_PORT (3000), TUPLET_DATA_DIR (./data), DATABASE_URL (PostgreSQL instead of
PGlite), TEMPORAL_ADDRESS (an existing Temporal instead of the dev server), TEMPORAL_NAMESPACE,
TEMPORAL_UI_URL, TUPLET_ADMIN_TOKEN, TUPLET_ADMIN_PASSWORD.

Example:
  TUPLET_ADMIN_PASSWORD=secret tuplet up`,
    )
    .action(async (options: { hostWorkers: boolean; controlWorker: boolean }) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const stack = await startStack(config, logger, {
        hostWorkers: options.hostWorkers,
        controlWorker: options.controlWorker,
      });
      const lines = [
        '',
        `Tuplet is up.`,
        `  web UI and API  ${stack.url}   (API reference: ${stack.url}/api/v1/docs)`,
        `  Temporal        ${stack.temporalAddress}${stack.temporalUiUrl ? `   (Web UI: ${stack.temporalUiUrl})` : ''}`,
        `  database        ${stack.database.kind === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)'}`,
        `  storage         ${stack.storageDir}`,
      ];
      if (stack.bootstrap.generatedPassword) {
        lines.push(
          '',
          `  First start: an admin account was created.`,
          `    user: admin    password: ${stack.bootstrap.generatedPassword}   (shown once)`,
        );
      }
      lines.push(
        '',
        `Try the example sweep (66 runs of a spiral-wave simulation on this machine):`,
        `  bin/tuplet submit examples/spiral/sweep.ini --app spiral --host local --wait`,
        '',
        'Ctrl-C stops everything; starting again resumes unfinished series.',
        '',
      );
      process.stdout.write(lines.join('\n'));

      await new Promise<void>((resolve) => {
        const onSignal = () => {
          process.stdout.write('\nstopping…\n');
          resolve();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      await stack.stop();
      process.exit(0);
    });
}
