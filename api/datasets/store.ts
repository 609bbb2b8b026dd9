// Datasets as the API handles them (docs/datasets.md): create one, add a version (an archive
// received and checked exactly as an input package is, then put into storage with its
// manifest; or a path on a host), read a version's manifest, delete a version or a dataset
// unless a live series uses it. Who may see a dataset: its owner, its group's members, admins;
// anything else answers 404. Who may change it: its owner and admins.
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import {
  deleteDatasetRow,
  deleteDatasetVersion,
  findDataset,
  findDatasetVersion,
  insertDataset,
  insertDatasetVersion,
  seriesUsingDataset,
  type DatasetVersionRow,
  type DatasetWithNames,
} from '../../db/datasets.ts';
import { findGroup, memberRole } from '../../db/groups.ts';
import { findHost } from '../../db/hosts.ts';
import { newId } from '../../db/ids.ts';
import { storageOf, type Storage } from '../../files/storage/index.ts';
import { safeRelativePath } from '../../hosts/paths.ts';
import { hasControlCharacters } from '../../core/text.ts';
import { isAdmin } from '../auth.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { seriesViewer } from '../access.ts';
import { ApiError, conflict, forbidden, notFound } from '../errors.ts';
import { receiveCheckedArchive, uploadScratchDir } from '../series/packages.ts';
import { encodeManifest, manifestOf, type Manifest } from './manifest.ts';

export type DatasetDeps = Pick<ApiDeps, 'db' | 'storageDir' | 'config' | 'logger'> & {
  storage?: Storage | undefined;
};

const manifestKeyOf = (storageKey: string) => storageKey.replace(/\.pkg$/, '.manifest.json');

/** The dataset if the user may see it; 404 otherwise, as if it did not exist. */
export async function visibleDataset(
  deps: DatasetDeps,
  user: AuthUser,
  name: string,
): Promise<DatasetWithNames> {
  const row = await findDataset(deps.db, name, seriesViewer(user));
  if (!row) throw notFound(`dataset '${name}'`);
  return row;
}

/** The dataset if the user may change it (owner or admin): 404 when unseen, 403 when only seen. */
async function ownedDataset(deps: DatasetDeps, user: AuthUser, name: string): Promise<DatasetWithNames> {
  const row = await visibleDataset(deps, user, name);
  if (row.ownerId !== user.id && !isAdmin(user))
    throw forbidden(`only the owner of dataset '${name}' or an admin may change it`);
  return row;
}

export async function visibleVersion(
  deps: DatasetDeps,
  user: AuthUser,
  name: string,
  version: number,
): Promise<{ dataset: DatasetWithNames; version: DatasetVersionRow }> {
  const dataset = await visibleDataset(deps, user, name);
  const row = await findDatasetVersion(deps.db, dataset.id, version);
  if (!row) throw notFound(`dataset '${name}' version ${version}`);
  return { dataset, version: row };
}

export async function createDataset(
  deps: DatasetDeps,
  owner: AuthUser,
  input: { name: string; description?: string | undefined; group?: string | undefined },
): Promise<DatasetWithNames> {
  let groupId: string | null = null;
  if (input.group !== undefined) {
    const group = await findGroup(deps.db, input.group);
    const mine = group && (isAdmin(owner) || (await memberRole(deps.db, group.id, owner.id)));
    if (!group || !mine)
      throw new ApiError(422, 'unknown_group', `group '${input.group}' is not one of yours`, {
        field: 'group',
      });
    groupId = group.id;
  }
  const row = await insertDataset(deps.db, {
    id: newId(),
    name: input.name,
    ownerId: owner.id,
    groupId,
    description: input.description ?? '',
  });
  if (!row) throw conflict(`dataset '${input.name}' already exists`, { field: 'name' });
  return { ...row, ownerName: owner.name, groupName: input.group ?? null };
}

const tooLarge = (limit: number) =>
  new ApiError(
    413,
    'too_large',
    `the dataset archive is larger than ${limit} bytes (TUPLET_MAX_PACKAGE_BYTES)`,
    {
      limit,
    },
  );

/**
 * A new version from an uploaded archive: streamed to a local file under the package size cap,
 * checked as packages are, its manifest taken, both put into storage, then recorded.
 */
export async function uploadVersion(
  deps: DatasetDeps,
  user: AuthUser,
  name: string,
  request: Request,
): Promise<DatasetVersionRow> {
  const dataset = await ownedDataset(deps, user, name);
  const limit = deps.config.limits.packageBytes;
  const scratch = uploadScratchDir(deps.storageDir);
  await mkdir(scratch, { recursive: true });
  const partial = path.join(scratch, `${newId()}.partial`);
  const storage = storageOf(deps);
  const storageKey = `datasets/${dataset.id}/${newId()}.pkg`;
  let stored = false;
  try {
    const checked = await receiveCheckedArchive(request, partial, limit, () => tooLarge(limit));
    const manifest = encodeManifest(await manifestOf(partial));
    stored = true;
    await storage.put(storageKey, createReadStream(partial));
    await storage.put(manifestKeyOf(storageKey), Readable.from([manifest.text]));
    const row = await insertDatasetVersion(deps.db, {
      datasetId: dataset.id,
      kind: 'upload',
      storageKey,
      entries: checked.entries,
      bytes: checked.bytes,
      manifestSha256: manifest.sha256,
    });
    deps.logger.info({ dataset: name, version: row.version, by: user.name }, 'dataset version uploaded');
    return row;
  } catch (error) {
    if (stored) await Promise.all([storage.delete(storageKey), storage.delete(manifestKeyOf(storageKey))]);
    throw error;
  } finally {
    await rm(partial, { force: true });
  }
}

/** `/scratch/data/run1`: absolute, normalised, no `..`, no control character. */
function checkedHostPath(hostPath: string): string {
  const relative =
    hostPath.startsWith('/') && !hasControlCharacters(hostPath)
      ? safeRelativePath(hostPath.slice(1))
      : undefined;
  if (relative === undefined || `/${relative}` !== hostPath) {
    throw new ApiError(
      400,
      'invalid_request',
      `path: ${JSON.stringify(hostPath)} must be an absolute path without '..', '.', empty segments or control characters`,
      { field: 'path' },
    );
  }
  return hostPath;
}

/**
 * A new version that is a path on a host (never copied through the server; staging links it).
 * Admins only: the path's files become runs' input, readable by the service account that runs
 * them, so a member naming a path could feed its programs (and so their outputs) the account's
 * private files — its SSH keys, other members' data. Members upload their data instead.
 * Its existence is checked on the host when a series is staged.
 */
export async function registerHostVersion(
  deps: DatasetDeps,
  user: AuthUser,
  name: string,
  input: { host: string; path: string },
): Promise<DatasetVersionRow> {
  if (!isAdmin(user))
    throw forbidden(
      'only admins register a path on a host as a dataset version (its files are read as the service ' +
        'account); upload the data as an archive instead',
    );
  const dataset = await ownedDataset(deps, user, name);
  const hostPath = checkedHostPath(input.path);
  const host = await findHost(deps.db, input.host);
  if (!host) {
    throw new ApiError(422, 'unknown_host', `host '${input.host}' does not exist`, { field: 'host' });
  }
  const row = await insertDatasetVersion(deps.db, {
    datasetId: dataset.id,
    kind: 'host',
    host: host.name,
    hostPath,
  });
  deps.logger.info(
    { dataset: name, version: row.version, host: host.name, by: user.name },
    'dataset version registered',
  );
  return row;
}

/** An uploaded version's manifest (a host version has none: its files are on the host). */
export async function readManifest(
  deps: DatasetDeps,
  version: DatasetVersionRow,
): Promise<Manifest | undefined> {
  if (version.kind !== 'upload' || !version.storageKey) return undefined;
  const object = await storageOf(deps).get(manifestKeyOf(version.storageKey));
  return JSON.parse(await readText(object.body)) as Manifest;
}

const inUse = (what: string, series: string[]) =>
  conflict(`${what} is used by series not yet finished: ${series.join(', ')}`, { series });

export async function deleteVersion(
  deps: DatasetDeps,
  user: AuthUser,
  name: string,
  version: number,
): Promise<void> {
  const dataset = await ownedDataset(deps, user, name);
  const row = await findDatasetVersion(deps.db, dataset.id, version);
  if (!row) throw notFound(`dataset '${name}' version ${version}`);
  const live = await seriesUsingDataset(deps.db, dataset.id, { version, live: true });
  if (live.length > 0)
    throw inUse(
      `dataset '${name}' version ${version}`,
      live.map((s) => s.seriesId),
    );
  await deleteDatasetVersion(deps.db, dataset.id, version);
  await removeStored(deps, row);
  deps.logger.info({ dataset: name, version, by: user.name }, 'dataset version deleted');
}

export async function deleteDataset(
  deps: DatasetDeps,
  user: AuthUser,
  name: string,
  versions: DatasetVersionRow[],
): Promise<void> {
  const dataset = await ownedDataset(deps, user, name);
  const live = await seriesUsingDataset(deps.db, dataset.id, { live: true });
  if (live.length > 0) throw inUse(`dataset '${name}'`, [...new Set(live.map((s) => s.seriesId))]);
  await deleteDatasetRow(deps.db, dataset.id);
  for (const row of versions) await removeStored(deps, row);
  deps.logger.info({ dataset: name, by: user.name }, 'dataset deleted');
}

async function removeStored(deps: DatasetDeps, row: DatasetVersionRow): Promise<void> {
  if (!row.storageKey) return;
  const storage = storageOf(deps);
  await Promise.all([storage.delete(row.storageKey), storage.delete(manifestKeyOf(row.storageKey))]);
}
