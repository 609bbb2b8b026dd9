// Control activities: every database side effect of a series, on task queue `tuplet-control`.
import type { Database } from '../../db/client.ts';
import {
  cancelUnfinishedRuns,
  countRunsByState,
  failUnfinishedRuns,
  markRunsQueued,
  markOutputsLeftOn,
  releaseUnfinishedRuns,
} from '../../db/runs.ts';
import { drainedHostNames } from '../../db/hosts.ts';
import { storageOf, type Storage } from '../../files/storage/index.ts';
import type { Logger } from '../../log.ts';
import { archiveSeriesFiles, indexChunkFiles } from './files.ts';
import { createRunRows, recordRunChanges } from './runs.ts';
import { noteSeriesHeld, noteSeriesWaiting, updateSeriesState } from '../../db/series.ts';
import { loadSeriesPlan } from './series.ts';
import { quotaHold } from './quota-hold.ts';
import { setPostprocessOutcome } from '../../db/postprocess.ts';
import type { ControlActivities } from './types.ts';
import type { NotifySettingsConfig } from '../notify/deliver.ts';
import { endEventOf, notifySeriesEvent, startDeliveriesFromActivity } from '../notify/notify-series.ts';
import type { NotifyEvent } from '../../db/notifications.ts';

export interface ControlDeps {
  db: Database;
  /** Collected outputs and archives: `storage`, else the disk below `storageDir`. */
  storageDir: string;
  storage?: Storage;
  maxTuples: number;
  /** TUPLET_HOST_CACHE_TTL_HOURS: own-code environments unused this long are pruned (default 7 days). */
  hostCacheTtlHours?: number | undefined;
  logger: Logger;
  /** Mail, webhooks and links of notifications (activities/notify/). */
  notify: NotifySettingsConfig;
}

export function createControlActivities(deps: ControlDeps): ControlActivities {
  const { db, maxTuples, logger } = deps;
  const storage = storageOf(deps);
  // The owner's notification of a series' end or hold (docs/notifications.md).
  const notify = (seriesId: string, event: NotifyEvent | undefined) =>
    event
      ? notifySeriesEvent({ db, logger, start: startDeliveriesFromActivity }, seriesId, event)
      : undefined;
  return {
    loadSeries: (seriesId) => loadSeriesPlan(db, seriesId, maxTuples, deps.hostCacheTtlHours),
    async setSeriesState(seriesId, state, reason) {
      await updateSeriesState(db, seriesId, state, reason);
      await notify(seriesId, endEventOf(state));
    },
    async noteSeriesHeld(seriesId, held) {
      await noteSeriesHeld(db, seriesId, held);
      await noteSeriesWaiting(db, seriesId, held);
      if (held !== null) await notify(seriesId, 'held');
    },
    async quotaHold(seriesId) {
      const reason = await quotaHold(db, seriesId);
      // Held in the queue by a quota: the owner is told once (the notification's id is per attempt).
      if (reason !== null) await notify(seriesId, 'held');
      return reason;
    },
    createRuns: (seriesId) => createRunRows(db, seriesId),
    markQueued: (seriesId, ranges, jobId, host) => markRunsQueued(db, seriesId, ranges, jobId, host),
    drainedHosts: (names) => drainedHostNames(db, names),
    releaseRuns: (seriesId, ranges) => releaseUnfinishedRuns(db, seriesId, ranges),
    markOutputsLeft: (seriesId, host, ranges) => markOutputsLeftOn(db, seriesId, host, ranges),
    recordRunChanges: (seriesId, attempt, changes, ranges) =>
      recordRunChanges(db, logger, seriesId, attempt, changes, ranges),
    async failUnfinishedRuns(seriesId, ranges, reason) {
      const n = await failUnfinishedRuns(db, seriesId, ranges, reason);
      if (n > 0) logger.warn({ seriesId, runs: n, reason }, 'runs lost by their host were marked failed');
      return n;
    },
    indexChunk: (seriesId, ranges) => indexChunkFiles(db, storage, seriesId, ranges),
    archiveSeries: (seriesId) => archiveSeriesFiles(db, storage, seriesId),
    recordPostprocess: (seriesId, outcome) => setPostprocessOutcome(db, seriesId, outcome),
    async finishSeries(seriesId) {
      const counts = (await countRunsByState(db, [{ id: seriesId }])).get(seriesId)!;
      // Runs the scheduler cancelled count as failures; a series is `cancelled` only on request.
      const state = counts.failed + counts.cancelled > 0 ? 'completed_with_failures' : 'completed';
      await updateSeriesState(db, seriesId, state);
      await notify(seriesId, endEventOf(state));
      return state;
    },
    async recordCancelled(seriesId) {
      await cancelUnfinishedRuns(db, seriesId);
      await updateSeriesState(db, seriesId, 'cancelled', 'cancelled by request');
      await notify(seriesId, 'cancelled');
    },
  };
}
