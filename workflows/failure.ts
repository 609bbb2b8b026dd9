// What the series workflows do with a failure: record the series' end (cancelled or failed),
// stop its jobs, name the innermost cause, and log (not throw) a cleanup that fails.
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { control } from './activities.ts';
import type { SeriesTally } from './progress.ts';

/**
 * After the error that ends a series: a cancel stops its jobs, then records `cancelled` (which
 * tells that nothing of it runs any more); a failure records `failed` first, then stops the
 * jobs. A cleanup that fails is logged. Throws what ends the workflow.
 */
export async function endAfterError(
  seriesId: string,
  error: unknown,
  stopJobs: () => Promise<unknown>,
  tally: SeriesTally,
): Promise<never> {
  if (isCancellation(error)) {
    await CancellationScope.nonCancellable(async () => {
      await bestEffort(seriesId, stopJobs);
      await control.recordCancelled(seriesId);
    });
    tally.cancelled();
    throw error;
  }
  const reason = error instanceof Error ? describeFailure(error) : String(error);
  await CancellationScope.nonCancellable(async () => {
    await control.setSeriesState(seriesId, 'failed', reason);
    await bestEffort(seriesId, stopJobs);
  });
  tally.progress.state = 'failed';
  throw ApplicationFailure.nonRetryable(`series ${seriesId} failed: ${reason}`, 'SeriesFailed');
}

/** Cleanup after the series' end is recorded: its failure is logged, never what the series ends with. */
export async function bestEffort(seriesId: string, cleanup: () => Promise<unknown>): Promise<void> {
  try {
    await cleanup();
  } catch (error) {
    const reason = error instanceof Error ? describeFailure(error) : String(error);
    log.warn('stopping the jobs of an ended series failed; some may still run on the host', {
      seriesId,
      reason,
    });
  }
}

/** The innermost cause of a failure is what a researcher needs to read. */
export function describeFailure(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message || workflowInfo().workflowType;
}

/** A host step no worker started in time: the host's worker is gone (stopped, crashed, cut off). */
export function isHostLost(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof TimeoutFailure && current.timeoutType === 'SCHEDULE_TO_START') return true;
  }
  return false;
}
