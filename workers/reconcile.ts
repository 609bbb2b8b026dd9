// The reconcile: a series whose workflow has closed while its row is not in a final state is
// repaired, so the database never shows `staging` or `running` for a series nothing runs any
// more (a workflow terminated in the Temporal UI, one that failed before it could record its
// end, a history lost). Runs at start-up and every few minutes in the API process; every
// change is conditional on the row being as listed, so several processes may run it at once.
// The owner is notified of the end it records, as the workflow would have done.
import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Database } from '../db/client.ts';
import { endUnfinishedSeries, listUnfinishedSeries, type UnfinishedSeries } from '../db/series.ts';
import type { Logger } from '../log.ts';
import { notifySeriesEvent, startDeliveriesWith } from '../activities/notify/notify-series.ts';

/** How often the periodic reconcile runs by default. */
export const RECONCILE_INTERVAL_MS = 3 * 60_000;
/** How long one call to Temporal may take before this pass gives up on that series. */
const TEMPORAL_DEADLINE_MS = 10_000;
/** Series described at once. */
const CONCURRENCY = 4;

/** Statuses of a workflow that will do nothing more (a run continued as new goes on). */
const CLOSED: ReadonlySet<WorkflowExecutionStatusName> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'TIMED_OUT',
]);

export interface ReconcileDeps {
  db: Database;
  temporal: Client;
  logger: Logger;
}

export interface Repaired {
  seriesId: string;
  state: 'failed' | 'cancelled';
  reason: string;
}

/** One pass: every unfinished series whose workflow has closed is ended; answers which. */
export async function reconcileSeries(deps: ReconcileDeps): Promise<Repaired[]> {
  const queue = await listUnfinishedSeries(deps.db);
  const repaired: Repaired[] = [];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      try {
        const done = await reconcileOne(deps, row);
        if (done) repaired.push(done);
      } catch (error) {
        // One series Temporal cannot answer for now is looked at again next time.
        deps.logger.warn({ err: error, seriesId: row.id }, 'could not reconcile a series with its workflow');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return repaired;
}

async function reconcileOne(deps: ReconcileDeps, row: UnfinishedSeries): Promise<Repaired | undefined> {
  const handle = deps.temporal.workflow.getHandle(row.workflowId);
  const status = await deps.temporal
    .withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () => handle.describe())
    .then((info) => info.status.name)
    .catch((error: unknown) => {
      // The row is written before its workflow starts: not found yet is not closed.
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
  if (status === undefined || !CLOSED.has(status)) return undefined;

  const cause = await deps.temporal
    .withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () => handle.result())
    .then(
      () => undefined,
      (error: unknown) => innermostMessage(error),
    );
  const state = status === 'CANCELLED' ? 'cancelled' : 'failed';
  const reason = `the workflow ended (${status}) without recording the series' end${cause ? `: ${cause}` : ''}`;
  if (!(await endUnfinishedSeries(deps.db, row, state, reason))) return undefined;
  deps.logger.warn(
    { seriesId: row.id, was: row.state, state, reason },
    'reconciled a series with its workflow',
  );
  // The workflow that would have told the owner is gone: the reconcile tells them instead.
  await notifySeriesEvent(
    { db: deps.db, logger: deps.logger, start: startDeliveriesWith(deps.temporal) },
    row.id,
    state,
  );
  return { seriesId: row.id, state, reason };
}

/** What closed the workflow, as the innermost cause says it (a termination's reason, the failure). */
function innermostMessage(error: unknown): string | undefined {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error && current.message ? current.message : undefined;
}

export interface Reconciler {
  /** Runs a pass now (after the one in flight, if any) and answers what it repaired. */
  runNow(): Promise<Repaired[]>;
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/** Runs a pass at once, then every `intervalMs`; a failed pass is logged and tried again next time. */
export function startReconciler(deps: ReconcileDeps & { intervalMs?: number }): Reconciler {
  let last: Promise<Repaired[]> = Promise.resolve([]);
  const runNow = () => {
    last = last.catch(() => []).then(() => reconcileSeries(deps));
    return last;
  };
  const runLogged = () => {
    runNow().catch((error: unknown) => deps.logger.warn({ err: error }, 'the series reconcile failed'));
  };
  runLogged();
  const timer = setInterval(runLogged, deps.intervalMs ?? RECONCILE_INTERVAL_MS);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await last.catch(() => undefined);
    },
  };
}
