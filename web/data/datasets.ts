// The datasets list's version column: how many versions each dataset has and its newest one,
// for a page of datasets in one query (the datasets themselves come from db/datasets.ts
// listDatasets, which decides who sees what).
import type { Database } from '../../db/client.ts';
import { versionsOfDatasets, type DatasetVersionRow } from '../../db/datasets.ts';

export interface VersionSummary {
  versions: number;
  latest: DatasetVersionRow | null;
}

export async function latestVersionsOf(db: Database, datasetIds: string[]): Promise<Map<string, VersionSummary>> {
  const out = new Map<string, VersionSummary>();
  for (const row of await versionsOfDatasets(db, datasetIds)) {
    const seen = out.get(row.datasetId);
    if (seen) seen.versions++;
    else out.set(row.datasetId, { versions: 1, latest: row });
  }
  return out;
}
