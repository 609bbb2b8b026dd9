// A new series' datasets (`datasets: [{name, version, mountPath?}]` of POST /series): each one
// the owner may see, of a version that exists (a host-resident one on the series' own host),
// mounted at a relative path of the run directory (default `inputs/<name>`) that is none of
// Tuplet's own and overlaps no other mount. Staging then places them (hosts/dataset-staging.ts).
import { z } from '@hono/zod-openapi';
import { hasControlCharacters } from '../../core/text.ts';
import { findDatasetVersion, seriesDatasetSources, type SeriesDatasetRow } from '../../db/datasets.ts';
import { safeRelativePath, TUPLET_DIR } from '../../hosts/paths.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { seriesViewer } from '../access.ts';
import { ApiError } from '../errors.ts';
import { findDataset } from '../../db/datasets.ts';
import type { DatasetDeps } from './store.ts';

export const DatasetNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'letters, digits, `.`, `_` and `-`, at most 63, not starting with `.`, `_` or `-`',
  );

/** A version number (a PostgreSQL integer). */
export const DatasetVersionSchema = z.number().int().min(1).max(2_147_483_647);

export const SeriesDatasetsField = z
  .array(
    z
      .object({
        name: DatasetNameSchema,
        version: DatasetVersionSchema,
        mountPath: z.string().max(1024).optional().openapi({
          description: 'Where each run sees it, relative to the run directory; default `inputs/<name>`',
        }),
      })
      .strict(),
  )
  .max(32)
  .optional()
  .openapi({ description: 'Datasets (name and version) placed in every run directory (docs/datasets.md)' });

export type SeriesDatasetChoice = NonNullable<z.infer<typeof SeriesDatasetsField>>[number];

/** What createSeries records for each dataset, and what makes reuse tell data apart (core/reuse-key.ts). */
export type ChosenDataset = Omit<SeriesDatasetRow, 'seriesId'> & { name: string; identity: string };

const refused = (field: string, message: string, status: 400 | 404 | 422 = 400) =>
  new ApiError(
    status,
    status === 404 ? 'not_found' : status === 422 ? 'unknown_dataset' : 'invalid_request',
    `${field}: ${message}`,
    {
      field,
    },
  );

/** The mount path, checked: relative, already normal, no `..`, not under `.tuplet`, not the config file. */
function checkedMountPath(field: string, mountPath: string, configFile: string): string {
  const normal = hasControlCharacters(mountPath) ? undefined : safeRelativePath(mountPath);
  if (normal === undefined || normal !== mountPath)
    throw refused(
      field,
      `${JSON.stringify(mountPath)} must be a relative path inside the run directory, without '..', '.' or empty segments`,
    );
  if (normal === TUPLET_DIR || normal.startsWith(`${TUPLET_DIR}/`))
    throw refused(field, `${JSON.stringify(mountPath)} is Tuplet's own directory`);
  if (normal === configFile || configFile.startsWith(`${normal}/`))
    throw refused(field, `${JSON.stringify(mountPath)} would hide the config file ${configFile}`);
  return normal;
}

export async function datasetsForSeries(
  deps: DatasetDeps,
  owner: AuthUser,
  choices: readonly SeriesDatasetChoice[],
  host: string,
  configFile: string,
): Promise<ChosenDataset[]> {
  const chosen: ChosenDataset[] = [];
  for (const [i, choice] of choices.entries()) {
    const field = `datasets[${i}]`;
    const mountPath = checkedMountPath(
      `${field}.mountPath`,
      choice.mountPath ?? `inputs/${choice.name}`,
      configFile,
    );
    for (const other of chosen) {
      const overlap =
        other.mountPath === mountPath ||
        other.mountPath.startsWith(`${mountPath}/`) ||
        mountPath.startsWith(`${other.mountPath}/`);
      if (overlap) throw refused(`${field}.mountPath`, `${mountPath} overlaps the mount ${other.mountPath}`);
    }
    const dataset = await findDataset(deps.db, choice.name, seriesViewer(owner));
    const version = dataset && (await findDatasetVersion(deps.db, dataset.id, choice.version));
    if (!dataset || !version)
      throw refused(field, `dataset '${choice.name}' version ${choice.version} not found`, 404);
    if (chosen.some((c) => c.datasetId === dataset.id))
      throw refused(field, `dataset '${choice.name}' is given twice`);
    if (version.kind === 'host' && version.host !== host) {
      throw refused(
        field,
        `dataset '${choice.name}' version ${choice.version} lives on host '${version.host}', not on '${host}'`,
        422,
      );
    }
    // An upload's manifest hash names its content; a storage key is never reused, so it stands in
    // for a manifest not recorded.
    const identity =
      version.kind === 'upload'
        ? `upload:${version.manifestSha256 ?? version.storageKey}`
        : `host:${version.host}:${version.hostPath}`;
    chosen.push({ datasetId: dataset.id, name: dataset.name, version: version.version, mountPath, identity });
  }
  return chosen;
}

/** A series' datasets as a clone asks for them again (and is checked again: the cloner must see them). */
export async function datasetChoicesOf(db: ApiDeps['db'], seriesId: string): Promise<SeriesDatasetChoice[]> {
  const rows = await seriesDatasetSources(db, seriesId);
  return rows.map(({ name, version, mountPath }) => ({ name, version, mountPath }));
}
