// The list of subcommands; each file owns its options, help text and action.
import type { Command } from 'commander';
import { registerDatasets } from './datasets.ts';
import { registerDiff } from './diff.ts';
import { registerExpand } from './expand.ts';
import { registerExport } from './export.ts';
import { registerGroups } from './groups.ts';
import { registerImport } from './import.ts';
import { registerRender } from './render.ts';
import { registerLogin } from './login.ts';
import { registerLogs } from './logs.ts';
import { registerNotifications } from './notifications.ts';
import { registerSeriesActions } from './series-actions.ts';
import { registerSubmit } from './submit.ts';
import { registerUp } from './up.ts';
import { registerWorker } from './worker.ts';

export function registerCommands(program: Command): void {
  registerExpand(program);
  registerRender(program);
  registerUp(program);
  registerSubmit(program);
  registerSeriesActions(program);
  registerLogs(program);
  registerExport(program);
  registerImport(program);
  registerDiff(program);
  registerGroups(program);
  registerDatasets(program);
  registerNotifications(program);
  registerLogin(program);
  registerWorker(program);
}
