// `tuplet worker --host NAME | --control`: one worker process of a production topology.
// A host worker runs next to its cluster or workstation and needs Temporal and the host's key
// files, never the database; the control worker needs the database (DATABASE_URL).
import type { Command } from 'commander';

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
      const { runWorker } = await import('../run/worker.ts');
      await runWorker(options);
    });
}
