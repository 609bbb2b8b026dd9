// `tuplet up`: the whole embedded stack in one process (what `npm start` runs).
import type { Command } from 'commander';

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
  TUPLET_ADMIN_PASSWORD=a-long-passphrase tuplet up`,
    )
    .action(async (options: { hostWorkers: boolean; controlWorker: boolean }) => {
      const { runUp } = await import('../run/up.ts');
      await runUp(options);
    });
}
