// The one path by which a series comes to exist (POST /series and POST /series/:id/clone):
// validate everything, store the series, start its workflow — or leave nothing behind.
import { findApplication, type ApplicationSnapshot } from '../../db/applications.ts';
import { deleteSeries } from '../../db/series.ts';
import { newId } from '../../db/ids.ts';
import type { Resources } from '../../hosts/executor.ts';
import { parseSweep } from '../../sweep/index.ts';
import { seriesWorkflowId } from '../../core/naming.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { ApiError } from '../errors.ts';
import { refuseValuesOutsideSchema } from './parameter-check.ts';
import { checkSeriesInput } from './input-check.ts';
import { checkRenderedSize } from './rendered-size.ts';
import { checkResources } from './resources.ts';
import { startSeriesWorkflow } from './workflow.ts';
import { insertSeriesWithinQuota, refuseOverQuota } from './quota-check.ts';
import { catalogueOf, mayUseApplication } from '../access.ts';
import { seriesHosts, type HostChoice } from './hosts.ts';
import { seriesGroupOf, type SeriesGroupChoice } from './group.ts';
import { reuseAtCreation, seriesReuseKey } from './reuse.ts';
import { packageSha256, withPackageFile } from './packages.ts';
import { seriesPriorityOf, type Priority } from './priority.ts';
import { insertSeriesDatasets } from '../../db/datasets.ts';
import { OWN_CODE, ownCodeSnapshot, refuseOwnCodeUnlessEnabled } from '../own-code.ts';
import { datasetsForSeries, type SeriesDatasetChoice } from '../datasets/use.ts';

export interface NewSeries extends SeriesGroupChoice, HostChoice {
  application: string;
  ini: string;
  description?: string | undefined;
  tags?: string[] | undefined;
  resources?: Resources | undefined;
  parentId?: string | undefined;
  /** An uploaded package (its row in `packages`; in storage), unpacked into the series directory. */
  packageId?: string | undefined;
  /** A clone of a series from before packages had rows: the package file its row names. */
  packagePath?: string | undefined;
  /** Take the tuples that already succeeded elsewhere instead of running them (reuse.ts). */
  reuse?: boolean | undefined;
  /** Order among the owner's series on the host (priority.ts); default normal. */
  priority?: Priority | undefined;
  /** Datasets placed in every run directory (api/datasets/use.ts). */
  datasets?: SeriesDatasetChoice[] | undefined;
}

export interface CreatedSeries {
  id: string;
  workflowId: string;
  count: number;
  /** Runs taken from other series (with `reuse: true`). */
  reused?: number;
}

/** `granted`: groups restrict the user, who is told so (without learning whether the name exists). */
const unknownReference = (field: 'application', name: string, granted = false) =>
  new ApiError(
    422,
    `unknown_${field}`,
    `${field} '${name}' does not exist${granted ? " or is not granted to the series' group" : ''}`,
    { field },
  );

export async function createSeries(deps: ApiDeps, owner: AuthUser, input: NewSeries): Promise<CreatedSeries> {
  const { db, config, temporal, logger } = deps;
  // Throws SweepError (400 with the line) before anything is stored.
  const sweep = parseSweep(input.ini, { maxTuples: config.maxTuples });
  const count = Number(sweep.count);
  checkRenderedSize(input.ini, sweep.count, config.limits.renderedBytes);

  // What the series' group may use (docs/groups.md): anything else is as if it did not exist.
  const { groupId, visibility } = await seriesGroupOf(db, owner, input);
  const priority = await seriesPriorityOf(db, owner, groupId, input.priority);
  const catalogue = await catalogueOf(db, owner, groupId);
  const app = mayUseApplication(catalogue, input.application)
    ? await findApplication(db, input.application)
    : undefined;
  if (!app) throw unknownReference('application', input.application, catalogue !== 'everything');
  await refuseOwnCodeUnlessEnabled(db, owner, groupId, app);
  refuseValuesOutsideSchema(sweep, app.parameters, app.name);
  // Every host of a multi-host series is checked as the one host of a series is (hosts.ts).
  const hostRows = await seriesHosts(db, catalogue, app, input);
  const host = hostRows[0]!;
  const hostNames = hostRows.map((h) => h.name);
  if (hostRows.length > 1 && app.postprocess) {
    throw new ApiError(
      422,
      'postprocess_on_one_host',
      `hosts: application '${app.name}' has a postprocess step, which needs every output on one host: name one host`,
      { field: 'hosts' },
    );
  }
  for (const each of hostRows) checkResources(input.resources ?? {}, each, owner);
  const datasets = await datasetsForSeries(deps, owner, input.datasets ?? [], host.name, app.configFile);
  // Every other host must be able to place them too (a host-resident dataset lives on one host);
  // the answer is the first host's, which the series stores.
  for (const other of hostRows.slice(1)) {
    await datasetsForSeries(deps, owner, input.datasets ?? [], other.name, app.configFile);
  }
  // Quotas count the tuples the series will run: with `reuse`, only those not taken from
  // other series, known once they are recorded (below); without it, before anything is stored.
  // A multi-host series' runs may all land on any one of its hosts: each host's quotas apply.
  const quotaSubjects = hostNames.map((name) => ({ userId: owner.id, groupId, host: name }));
  const refuseOverQuotas = async (n: number) => {
    for (const subject of quotaSubjects) await refuseOverQuota(db, subject, n);
  };
  if (!input.reuse) await refuseOverQuotas(count);

  const snapshot: ApplicationSnapshot = { name: app.name, command: app.command, configFile: app.configFile };
  if (app.setup) snapshot.setup = app.setup;
  if (app.postprocess) snapshot.postprocess = app.postprocess;
  if (app.collect && app.collect.length > 0) snapshot.collect = app.collect;
  if (Object.keys(app.env).length > 0) snapshot.env = app.env;
  if (app.input) {
    await checkSeriesInput(deps, sweep, app, input);
    snapshot.input = app.input;
  }
  if (app.parameters?.length) snapshot.parameters = app.parameters;
  if (app.metricSources?.length) snapshot.metricSources = app.metricSources;
  if (app.kind === OWN_CODE) {
    const hasPackage = Boolean(input.packageId ?? input.packagePath);
    const lend = <T>(use: (file: string | undefined) => Promise<T>) => withPackageFile(deps, input, use);
    Object.assign(snapshot, await ownCodeSnapshot(app, { id: owner.id, groupId }, hasPackage, lend));
  }

  const reuseKey = seriesReuseKey(
    snapshot,
    // Runs of a multi-host series ran on any of its hosts: only the same set is equivalent.
    hostNames.join(','),
    await packageSha256(deps, input),
    input.resources ?? {},
    datasets,
  );
  const id = newId();
  const workflowId = seriesWorkflowId(id);
  const description = input.description ?? '';
  // Stored `staging`, or `queued` when its queue or storage quota holds it (quota-check.ts).
  await insertSeriesWithinQuota(db, {
    id,
    ownerId: owner.id,
    application: app.name,
    applicationSnapshot: snapshot,
    host: host.name,
    hosts: hostNames.length > 1 ? hostNames : [],
    ini: input.ini,
    resources: input.resources ?? {},
    description,
    tags: input.tags ?? [],
    count,
    workflowId,
    parentId: input.parentId ?? null,
    packagePath: input.packagePath ?? null,
    packageId: input.packageId ?? null,
    groupId,
    visibility,
    priority,
    reuseKey,
  });
  await insertSeriesDatasets(
    db,
    datasets.map(({ datasetId, version, mountPath }) => ({ seriesId: id, datasetId, version, mountPath })),
  ).catch(async (error: unknown) => {
    await deleteSeries(db, id);
    throw error;
  });

  // Reused runs go in before the workflow starts: it runs only the others.
  const reuse = input.reuse
    ? await reuseAtCreation(deps, owner, { id, reuseKey, group: { groupId, visibility } }, sweep)
        .then(async (taken) => {
          await refuseOverQuotas(count - (taken?.reused ?? 0));
          return taken;
        })
        .catch(async (error: unknown) => {
          await deleteSeries(db, id);
          throw error;
        })
    : undefined;

  // The row is committed before the workflow starts, so its first activity finds it; if the
  // start fails, the row goes again: nothing half-made stays in the database.
  try {
    await startSeriesWorkflow(
      temporal,
      {
        id,
        workflowId,
        ownerName: owner.name,
        host: host.name,
        application: app.name,
        count,
        description,
        ...(hostNames.length > 1 ? { hostLostAfterMs: config.hostLostAfterMs } : {}),
      },
      undefined,
      reuse && { ranges: reuse.ranges },
    );
  } catch (error) {
    await deleteSeries(db, id);
    logger.error({ err: error, seriesId: id }, 'starting the series workflow failed');
    throw new ApiError(
      503,
      'temporal_unavailable',
      'could not start the series workflow; nothing was created, try again',
    );
  }
  logger.info(
    { seriesId: id, owner: owner.name, count, hosts: hostNames, application: app.name },
    'series created',
  );
  return reuse ? { id, workflowId, count, reused: reuse.reused } : { id, workflowId, count };
}
