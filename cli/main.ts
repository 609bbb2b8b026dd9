// The `tuplet` command. Each subcommand lives in cli/commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';
import { exitWithError } from './errors.ts';

const program = new Command('tuplet')
  .description('Launch large series of computational experiments from one INI sweep.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  exitWithError(error);
}
