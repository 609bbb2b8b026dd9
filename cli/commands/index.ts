// The list of subcommands; each file owns its options, help text and action.
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}
