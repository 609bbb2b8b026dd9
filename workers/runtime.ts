// The Temporal SDK's process-wide runtime, installed once so its logs follow our log level
// (the SDK's default logger prints every worker state change at INFO).
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

const levels: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

export function installTemporalRuntime(level: string): void {
  if (installed) return;
  installed = true;
  // Worker state changes are routine; only warnings and errors are worth a line by default.
  const sdkLevel = level === 'info' ? 'WARN' : (levels[level] ?? 'WARN');
  Runtime.install({ logger: new DefaultLogger(sdkLevel) });
}
