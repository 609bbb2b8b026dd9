// Loading a series and its host from the database as the workflow's plan (the series' state
// changes are db/series.ts updateSeriesState and noteSeriesHeld).
import type { Database } from '../../db/client.ts';
import { IMPORTED_REFUSAL, isImportedSeries } from '../../core/imported.ts';
import { findHost, type HostRow } from '../../db/hosts.ts';
import { findSeriesRow } from '../../db/series.ts';
import { seriesDatasetSources, type SeriesDatasetSource } from '../../db/datasets.ts';
import { runningQuotaOf } from '../../db/quotas.ts';
import { fairShareOf } from '../../db/fair-share.ts';
import type { HostSpec, SeriesSpec, StagedDataset } from '../../hosts/executor.ts';
import { packageKey } from '../../files/storage/layout.ts';
import { ownCodeSetup } from '../../hosts/own-code.ts';
import { badInput, notFound } from '../errors.ts';
import type { PlacedHost, SeriesPlan } from './types.ts';

export function hostSpecOf(row: HostRow): HostSpec {
  const spec: HostSpec = { name: row.name, kind: row.kind, workdir: row.workdir };
  if (row.address !== null) spec.address = row.address;
  if (row.port !== null) spec.port = row.port;
  if (row.user !== null) spec.user = row.user;
  if (row.identityFile !== null) spec.identityFile = row.identityFile;
  if (row.knownHostsFile !== null) spec.knownHostsFile = row.knownHostsFile;
  if (row.slots !== null) spec.slots = row.slots;
  if (row.gpus !== null) spec.gpus = row.gpus;
  if (row.partition !== null) spec.partition = row.partition;
  if (row.arrayThrottle !== null) spec.arrayThrottle = row.arrayThrottle;
  if (Object.keys(row.env).length > 0) spec.env = row.env;
  if (row.runUser !== null) spec.runUser = row.runUser;
  if (row.kind !== 'slurm') spec.admission = { ...(row.admission ?? {}), setAt: row.updatedAt.getTime() };
  return spec;
}

/** Where a series' dataset comes from: storage (an upload) or a directory on the host. */
function stagedDatasetOf(row: SeriesDatasetSource): StagedDataset {
  // Deletion is refused while the series is live; a rerun of a finished one finds it gone.
  if (row.kind === null) throw badInput(`dataset '${row.name}' version ${row.version} has been deleted`);
  const staged: StagedDataset = { name: row.name, version: row.version, mountPath: row.mountPath };
  if (row.kind === 'upload' && row.storageKey) staged.storageKey = row.storageKey;
  if (row.kind === 'host' && row.hostPath) staged.hostPath = row.hostPath;
  return staged;
}

export async function loadSeriesPlan(
  db: Database,
  seriesId: string,
  maxTuples: number,
  hostCacheTtlHours?: number,
): Promise<SeriesPlan> {
  const row = await findSeriesRow(db, seriesId);
  if (!row) throw notFound(`series ${seriesId}`);
  // Its commands came from an uploaded archive: whatever starts its workflow, nothing runs.
  if (isImportedSeries(row)) throw badInput(`series ${seriesId}: ${IMPORTED_REFUSAL}`);
  const hostRow = await findHost(db, row.host);
  if (!hostRow) throw notFound(`host ${row.host} of series ${seriesId}`);
  const app = row.applicationSnapshot;
  const spec: SeriesSpec = {
    seriesId,
    ini: row.ini,
    configFile: app.configFile,
    command: app.command,
    resources: row.resources,
    count: row.count,
    maxTuples: Math.max(maxTuples, row.count),
  };
  if (app.setup) spec.setup = app.setup;
  // Own code: the setup builds (or reuses) the package's environment, once, before any run.
  if (app.ownCode) spec.setup = ownCodeSetup(app.ownCode, hostCacheTtlHours);
  if (app.postprocess) spec.postprocess = app.postprocess;
  // A CSV that declares metrics comes back even when the collect globs do not name it.
  const metricFiles = (app.metricSources ?? []).flatMap((s) => (s.kind === 'csv' ? [s.file] : []));
  if (app.collect && app.collect.length > 0) spec.collect = [...app.collect, ...metricFiles];
  // An uploaded package is in storage; a series from before packages had rows names a file.
  if (row.packageId) spec.packageKey = packageKey(row.packageId);
  else if (row.packagePath) spec.packagePath = row.packagePath;
  if (app.env && Object.keys(app.env).length > 0) spec.env = app.env;
  if (app.input) spec.input = app.input;
  const datasets = await seriesDatasetSources(db, seriesId);
  if (datasets.length > 0) spec.datasets = datasets.map(stagedDatasetOf);
  const runningQuota = await runningQuotaOf(db, {
    userId: row.ownerId,
    groupId: row.groupId,
    host: row.host,
  });
  if (runningQuota) {
    spec.maxRunning = runningQuota.limit;
    spec.runningQuota = runningQuota;
  }
  spec.fairShare = await fairShareOf(db, row);
  const plan: SeriesPlan = {
    spec,
    host: hostSpecOf(hostRow),
    state: row.state,
    attempt: row.attempt,
    count: row.count,
  };
  if (row.hosts.length > 1) plan.hosts = await placedHostsOf(db, row);
  return plan;
}

/** Each host of a multi-host series with its own running quota (quotas are per host). */
async function placedHostsOf(
  db: Database,
  row: { id: string; ownerId: string; groupId: string | null; hosts: string[] },
): Promise<PlacedHost[]> {
  return Promise.all(
    row.hosts.map(async (name) => {
      const hostRow = await findHost(db, name);
      if (!hostRow) throw notFound(`host ${name} of series ${row.id}`);
      const placed: PlacedHost = { host: hostSpecOf(hostRow) };
      const quota = await runningQuotaOf(db, { userId: row.ownerId, groupId: row.groupId, host: name });
      if (quota) {
        placed.maxRunning = quota.limit;
        placed.runningQuota = quota;
      }
      return placed;
    }),
  );
}
