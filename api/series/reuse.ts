// Result reuse at the API (docs/reuse.md): the reuse key of a series being created, what a
// preview offers, and taking the offered runs at creation when the caller opted in
// (`reuse: true`). The caller never names sources: they are found again at creation, with the
// caller's own visibility, so a forged or stale choice cannot widen what is taken.
import { z } from '@hono/zod-openapi';
import {
  reuseKeyOf,
  type ReusableApplication,
  type ReusableDataset,
  type ReusableResources,
} from '../../core/reuse-key.ts';
import { findApplication, type ApplicationRow } from '../../db/applications.ts';
import { findHost } from '../../db/hosts.ts';
import {
  findReusableRuns,
  insertReusedRuns,
  originalOf,
  rangesToRun,
  type ReuseMatch,
  type ReuseViewer,
} from '../../db/reuse.ts';
import type { IndexRange } from '../../core/ranges.ts';
import type { Sweep } from '../../sweep/index.ts';
import { applicationRunsOn, catalogueOf, mayUseApplication, mayUseHost, seriesViewer } from '../access.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import type { Database } from '../../db/client.ts';
import type { RunRow } from '../../db/runs.ts';
import { datasetsForSeries, SeriesDatasetsField, type SeriesDatasetChoice } from '../datasets/use.ts';
import { ApiError, notFound } from '../errors.ts';
import { nameSchema, ResourcesSchema, SeriesGroupFields } from '../schemas.ts';
import { seriesGroupOf, type SeriesGroup } from './group.ts';
import { packageSha256, usePackage, withPackageFile, type SeriesPackage } from './packages.ts';
import { OWN_CODE, ownCodeSnapshot } from '../own-code.ts';

/** `reuse` of POST /series and of a clone: opt-in, never the default. */
export const ReuseField = z.boolean().optional().openapi({
  description:
    'Take the tuples that already succeeded in series you may see with the same application version, package, host and equivalent resources (what the preview offers) instead of running them; default false (docs/reuse.md)',
});

/** What a preview needs besides the sweep and application to say what could be reused. */
export const ReusePreviewFields = {
  host: nameSchema.optional().openapi({
    description: 'With `application`: also say how many tuples could be reused (answer field `reuse`)',
  }),
  resources: ResourcesSchema.optional(),
  package: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: 'Id of the package the series would unpack' }),
  datasets: SeriesDatasetsField,
  ...SeriesGroupFields,
};

export const ReuseOfferSchema = z
  .object({
    tuples: z.number().int().openapi({ description: 'Tuples of the sweep that already succeeded' }),
    count: z.number().int().openapi({ description: 'Tuples of the sweep' }),
    sources: z.array(
      z.object({
        id: z.string(),
        description: z.string(),
        tuples: z.number().int().openapi({ description: 'Tuples taken from this series' }),
      }),
    ),
  })
  .openapi('ReuseOffer', {
    description:
      'Runs of series with the same application version, input package, host and equivalent resources that you may see; submit with `reuse: true` to take them',
  });

export type ReuseOffer = z.infer<typeof ReuseOfferSchema>;

/** The key of a series with this snapshot, host, package digest (packages.ts' packageSha256), resources and datasets (core/reuse-key.ts). */
export function seriesReuseKey(
  application: ReusableApplication,
  host: string,
  packageSha256: string | null,
  resources: ReusableResources,
  datasets: readonly ReusableDataset[],
): string {
  return reuseKeyOf({ application, host, packageSha256, resources, datasets });
}

const viewerOf = (user: AuthUser, group: SeriesGroup): ReuseViewer => ({
  visibleTo: seriesViewer(user),
  ...group,
});

function offerOf(match: ReuseMatch, count: number): ReuseOffer {
  return { tuples: match.tuples.length, count, sources: match.sources };
}

export interface ReusePreviewQuery {
  application: string;
  host?: string | undefined;
  resources?: ReusableResources | undefined;
  package?: string | undefined;
  datasets?: SeriesDatasetChoice[] | undefined;
  group?: string | undefined;
  visibility?: 'everyone' | 'group' | undefined;
}

/**
 * What a series of this sweep could reuse, as the preview says; undefined without a host, or
 * when the application, host or a dataset is not the user's to use (the submit refuses those
 * anyway, naming them).
 */
export async function previewReuse(
  deps: ApiDeps,
  user: AuthUser,
  sweep: Sweep,
  query: ReusePreviewQuery,
): Promise<ReuseOffer | undefined> {
  if (!query.host) return undefined;
  const group = await seriesGroupOf(deps.db, user, query);
  const catalogue = await catalogueOf(deps.db, user, group.groupId);
  if (!mayUseApplication(catalogue, query.application) || !mayUseHost(catalogue, query.host))
    return undefined;
  const [app, host] = await Promise.all([
    findApplication(deps.db, query.application),
    findHost(deps.db, query.host),
  ]);
  if (!app || !host || !applicationRunsOn(app, host.name)) return undefined;
  const pkg = query.package ? await usePackage(deps, user, query.package) : undefined;
  // The same checks and identities as at creation, so the preview's key is the series' key.
  const datasets = await datasetsForSeries(deps, user, query.datasets ?? [], host.name, app.configFile).catch(
    (error: unknown) => {
      if (error instanceof ApiError) return undefined;
      throw error;
    },
  );
  if (!datasets) return undefined;
  const application = await applicationAsSnapshotted(deps, app, { id: user.id, groupId: group.groupId }, pkg);
  if (!application) return undefined;
  const sha256 = pkg ? await packageSha256(deps, pkg) : null;
  const key = seriesReuseKey(application, host.name, sha256, query.resources ?? {}, datasets);
  const match = await findReusableRuns(deps.db, key, sweep, viewerOf(user, group));
  return offerOf(match, Number(sweep.count));
}

/**
 * The application as a series' snapshot will have it, for the key: a program's row as it is; an
 * own-code application's row has no command (the package carries the program), so its command
 * is the one creation generates from the package (api/own-code.ts). Undefined when the package
 * is missing or refused — the submit refuses it, naming why.
 */
async function applicationAsSnapshotted(
  deps: ApiDeps,
  app: ApplicationRow,
  owner: { id: string; groupId: string | null },
  pkg: SeriesPackage | undefined,
): Promise<ReusableApplication | undefined> {
  if (app.kind !== OWN_CODE) return app;
  const lend = <T>(use: (file: string | undefined) => Promise<T>) => withPackageFile(deps, pkg ?? {}, use);
  try {
    return { ...app, ...(await ownCodeSnapshot(app, owner, pkg !== undefined, lend)) };
  } catch (error) {
    if (error instanceof ApiError) return undefined;
    throw error;
  }
}

/**
 * At creation, with `reuse: true`: records the tuples that succeeded elsewhere as reused runs of
 * the new series and answers the ranges its workflow still runs (undefined: nothing reused).
 */
export async function reuseAtCreation(
  deps: ApiDeps,
  owner: AuthUser,
  created: { id: string; reuseKey: string; group: SeriesGroup },
  sweep: Sweep,
): Promise<{ reused: number; ranges: IndexRange[] } | undefined> {
  const match = await findReusableRuns(deps.db, created.reuseKey, sweep, viewerOf(owner, created.group), {
    excludeSeries: created.id,
  });
  if (match.tuples.length === 0) return undefined;
  const recorded = await insertReusedRuns(deps.db, created.id, sweep, match.tuples);
  if (recorded.length === 0) return undefined;
  return { reused: recorded.length, ranges: rangesToRun(Number(sweep.count), recorded) };
}

/**
 * Where a run's files are: its own series', or, for a reused run, its original's (docs/reuse.md:
 * served from there, not copied). The original is read as the user may see it now: one they may
 * not see is a 404, so reuse never opens another group's files.
 */
export async function runWithFiles(
  db: Database,
  seriesId: string,
  run: RunRow,
  user: AuthUser,
): Promise<{ seriesId: string; run: RunRow }> {
  if (run.reusedFromSeries === null) return { seriesId, run };
  const original = await originalOf(db, run, seriesViewer(user));
  if (!original)
    throw notFound(`series '${run.reusedFromSeries}' (whose run ${run.reusedFromIndex} this run reused)`);
  return original;
}
