// GET /datasets (the datasets the viewer may see) and GET /datasets/:name[?version=N] (its
// versions, one version's file tree and the series that used it). Read-only: changes go through
// the API and `tuplet datasets`. Who sees what is the API's rule (api/datasets/store.ts
// visibleDataset, db/datasets.ts listDatasets): a dataset one may not see answers 404 here too.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { seriesViewer } from '../../api/access.ts';
import { readManifest, visibleVersion, visibleDataset, type DatasetDeps } from '../../api/datasets/store.ts';
import { listDatasets, listDatasetVersions, seriesUsingDataset } from '../../db/datasets.ts';
import { LISTED_ENTRIES } from '../../hosts/package.ts';
import { createLogger } from '../../log.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { latestVersionsOf } from '../data/datasets.ts';
import { DatasetPage } from '../pages/datasets/dataset.tsx';
import { DatasetsPage } from '../pages/datasets/list.tsx';

/** The store's dependencies from the web's; these reads log nothing. */
function storeDeps(ctx: WebContext): DatasetDeps {
  return { ...ctx, logger: createLogger('silent') };
}

export function datasetsPage(ctx: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const rows = await listDatasets(ctx.db, seriesViewer(user));
    const versions = await latestVersionsOf(
      ctx.db,
      rows.map((r) => r.id),
    );
    return c.html(
      <DatasetsPage
        user={user}
        csrf={csrf}
        datasets={rows.map((r) => ({ ...r, ...(versions.get(r.id) ?? { versions: 0, latest: null }) }))}
      />,
    );
  };
}

export function datasetPage(ctx: WebContext) {
  const deps = storeDeps(ctx);
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const name = c.req.param('name') ?? '';
    const dataset = await visibleDataset(deps, user, name);
    const versions = await listDatasetVersions(ctx.db, dataset.id);
    const asked = c.req.query('version');
    const number = asked === undefined ? versions[0]?.version : Number(asked);
    if (asked !== undefined && !Number.isInteger(number)) {
      throw new HTTPException(400, { message: `version: "${asked}" is not a version number` });
    }
    const shown = number === undefined ? undefined : await visibleVersion(deps, user, name, number);
    const [manifest, usedBy] = shown
      ? await Promise.all([
          readManifest(deps, shown.version),
          seriesUsingDataset(ctx.db, dataset.id, {
            version: shown.version.version,
            visibleTo: seriesViewer(user),
          }),
        ])
      : [undefined, []];
    return c.html(
      <DatasetPage
        user={user}
        csrf={csrf}
        dataset={dataset}
        versions={versions}
        shown={shown?.version ?? null}
        files={manifest ? manifest.entries.slice(0, LISTED_ENTRIES) : null}
        usedBy={usedBy}
      />,
    );
  };
}
