// The action of `tuplet up`, loaded only when that command runs (it pulls in the whole server).
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { startStack } from '../../workers/stack.ts';

export async function runUp(options: { hostWorkers: boolean; controlWorker: boolean }): Promise<void> {
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
    `  bin/tuplet login --url ${stack.url} --user admin     # once; asks for the password`,
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
}
