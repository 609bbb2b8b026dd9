// Datasets: named, versioned inputs owned by a user (and shared with a group), each version an
// uploaded archive in storage or a path on a host; and which series use which version
// (series_datasets), so that a version a live series needs is never deleted under it.
import { and, asc, desc, eq, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { FINAL_SERIES_STATES } from '../core/states.ts';
import type { Database } from './client.ts';
import { datasets, datasetVersions, groupMembers, groups, series, seriesDatasets, users } from './schema.ts';
import { seriesVisibleTo } from './groups.ts';

export type DatasetRow = typeof datasets.$inferSelect;
export type DatasetVersionRow = typeof datasetVersions.$inferSelect;
export type NewDatasetVersion = Omit<typeof datasetVersions.$inferInsert, 'version' | 'createdAt'>;
export type DatasetWithNames = DatasetRow & { ownerName: string; groupName: string | null };
export type SeriesDatasetRow = typeof seriesDatasets.$inferSelect;

/** A series that refers to a dataset version, as the version's page lists it. */
export interface DatasetUser {
  seriesId: string;
  version: number;
  state: string;
  mountPath: string;
}

/** A series' dataset as staging needs it: the version's data (kind null: deleted) and where runs see it. */
export type SeriesDatasetSource = {
  kind: DatasetVersionRow['kind'] | null;
  storageKey: string | null;
  host: string | null;
  hostPath: string | null;
  name: string;
  version: number;
  mountPath: string;
};

const withNames = {
  id: datasets.id,
  name: datasets.name,
  ownerId: datasets.ownerId,
  groupId: datasets.groupId,
  description: datasets.description,
  createdAt: datasets.createdAt,
  ownerName: users.name,
  groupName: groups.name,
};

/** Who sees a dataset besides admins: its owner and its group's members. */
function datasetVisibleTo(userId: string): SQL {
  return or(
    eq(datasets.ownerId, userId),
    sql`${datasets.groupId} in (select ${groupMembers.groupId} from ${groupMembers} where ${groupMembers.userId} = ${userId})`,
  )!;
}

/** Undefined when the name is taken. */
export async function insertDataset(
  db: Database,
  row: Omit<typeof datasets.$inferInsert, 'createdAt'>,
): Promise<DatasetRow | undefined> {
  const [inserted] = await db.insert(datasets).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** The dataset by name if `viewer` may see it (undefined viewer: an admin, who sees all). */
export async function findDataset(
  db: Database,
  name: string,
  viewer: string | undefined,
): Promise<DatasetWithNames | undefined> {
  const [row] = await db
    .select(withNames)
    .from(datasets)
    .innerJoin(users, eq(users.id, datasets.ownerId))
    .leftJoin(groups, eq(groups.id, datasets.groupId))
    .where(and(eq(datasets.name, name), viewer === undefined ? undefined : datasetVisibleTo(viewer)))
    .limit(1);
  return row;
}

/** The datasets `viewer` may see (undefined: all), by name. */
export function listDatasets(db: Database, viewer: string | undefined): Promise<DatasetWithNames[]> {
  return db
    .select(withNames)
    .from(datasets)
    .innerJoin(users, eq(users.id, datasets.ownerId))
    .leftJoin(groups, eq(groups.id, datasets.groupId))
    .where(viewer === undefined ? undefined : datasetVisibleTo(viewer))
    .orderBy(asc(datasets.name));
}

/** Adds the next version (1, 2, …); two at once collide on the primary key and one fails. */
export async function insertDatasetVersion(db: Database, row: NewDatasetVersion): Promise<DatasetVersionRow> {
  const next = sql<number>`(select coalesce(max(${datasetVersions.version}), 0) + 1 from ${datasetVersions} where ${datasetVersions.datasetId} = ${row.datasetId})`;
  const [inserted] = await db
    .insert(datasetVersions)
    .values({ ...row, version: next })
    .returning();
  return inserted!;
}

/** Newest first. */
export function listDatasetVersions(db: Database, datasetId: string): Promise<DatasetVersionRow[]> {
  return db
    .select()
    .from(datasetVersions)
    .where(eq(datasetVersions.datasetId, datasetId))
    .orderBy(desc(datasetVersions.version));
}

/** Each dataset's versions, newest first, for a page of datasets in one query (ids unchecked: list visible ones first). */
export function versionsOfDatasets(db: Database, datasetIds: string[]): Promise<DatasetVersionRow[]> {
  if (datasetIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(datasetVersions)
    .where(inArray(datasetVersions.datasetId, datasetIds))
    .orderBy(desc(datasetVersions.version));
}

export async function findDatasetVersion(
  db: Database,
  datasetId: string,
  version: number,
): Promise<DatasetVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersions.version, version)))
    .limit(1);
  return row;
}

/**
 * The series that used the dataset (one version, or any), newest first; `live`: not yet
 * finished; `visibleTo`: only the series that user may see (a listing must not reveal others').
 */
export function seriesUsingDataset(
  db: Database,
  datasetId: string,
  options: { version?: number; live?: boolean; visibleTo?: string | undefined } = {},
): Promise<DatasetUser[]> {
  return db
    .select({
      seriesId: seriesDatasets.seriesId,
      version: seriesDatasets.version,
      state: series.state,
      mountPath: seriesDatasets.mountPath,
    })
    .from(seriesDatasets)
    .innerJoin(series, eq(series.id, seriesDatasets.seriesId))
    .where(
      and(
        eq(seriesDatasets.datasetId, datasetId),
        options.version === undefined ? undefined : eq(seriesDatasets.version, options.version),
        options.live ? notInArray(series.state, [...FINAL_SERIES_STATES]) : undefined,
        options.visibleTo === undefined ? undefined : seriesVisibleTo(options.visibleTo),
      ),
    )
    .orderBy(desc(series.createdAt), desc(series.id));
}

export async function deleteDatasetVersion(db: Database, datasetId: string, version: number): Promise<void> {
  await db
    .delete(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersions.version, version)));
}

/**
 * Deletes the dataset, its versions and the records of which finished series used it (a
 * series keeps its outputs; only the reference goes).
 */
export async function deleteDatasetRow(db: Database, datasetId: string): Promise<void> {
  await db.delete(seriesDatasets).where(eq(seriesDatasets.datasetId, datasetId));
  await db.delete(datasets).where(eq(datasets.id, datasetId));
}

export async function insertSeriesDatasets(db: Database, rows: SeriesDatasetRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(seriesDatasets).values(rows);
}

/** The series' datasets with each version's data (null when the version was deleted since), by name. */
export function seriesDatasetSources(db: Database, seriesId: string): Promise<SeriesDatasetSource[]> {
  return db
    .select({
      name: datasets.name,
      version: seriesDatasets.version,
      mountPath: seriesDatasets.mountPath,
      kind: datasetVersions.kind,
      storageKey: datasetVersions.storageKey,
      host: datasetVersions.host,
      hostPath: datasetVersions.hostPath,
    })
    .from(seriesDatasets)
    .innerJoin(datasets, eq(datasets.id, seriesDatasets.datasetId))
    .leftJoin(
      datasetVersions,
      and(
        eq(datasetVersions.datasetId, seriesDatasets.datasetId),
        eq(datasetVersions.version, seriesDatasets.version),
      ),
    )
    .where(eq(seriesDatasets.seriesId, seriesId))
    .orderBy(asc(datasets.name));
}
