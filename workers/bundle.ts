// The workflow code bundle, built once per process (per failure converter) and shared by its workers.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';

const bundles = new Map<string, Promise<WorkflowBundle>>();

/**
 * The bundle for workers with this data converter: a custom failure converter runs inside the
 * workflow sandbox, so it must be bundled with the workflows (the encrypting one of
 * TUPLET_PAYLOAD_KEY turns failure messages into payloads the codec encrypts).
 */
export function workflowBundle(dataConverter: DataConverter = {}): Promise<WorkflowBundle> {
  const failureConverterPath = dataConverter.failureConverterPath;
  const cacheKey = failureConverterPath ?? '';
  let bundle = bundles.get(cacheKey);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
      ...(failureConverterPath ? { failureConverterPath } : {}),
      logger: quietLogger,
    });
    bundles.set(cacheKey, bundle);
  }
  return bundle;
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    process.stderr.write(`workflow bundle: ${message}\n`);
  },
  error(message: string) {
    process.stderr.write(`workflow bundle: ${message}\n`);
  },
};
