// Where a series' things live in storage (disk or bucket alike), in one place: every writer and
// reader builds its keys here. Series ids are db/ids.ts' (letters and digits), so the
// `.file-index` folder can never be a series'.
import { POSTPROCESS_DIR, POSTPROCESS_LOG } from '../../core/postprocess.ts';
import type { Storage } from './types.ts';

/** Everything a series' archive holds: runs/, postprocess/, postprocess.log. */
export const seriesPrefix = (seriesId: string) => seriesId;
export const runsPrefix = (seriesId: string) => `${seriesId}/runs`;
export const runPrefix = (seriesId: string, runDir: string) => `${seriesId}/runs/${runDir}`;
export const postprocessPrefix = (seriesId: string) => `${seriesId}/${POSTPROCESS_DIR}`;
export const postprocessLogKey = (seriesId: string) => `${seriesId}/${POSTPROCESS_LOG}`;
/** The setup step's output tail (files/setup-log.ts). */
export const setupLogKey = (seriesId: string) => `${seriesId}/setup.log`;
export const archiveKey = (seriesId: string) => `${seriesId}.tar.gz`;

/**
 * What collection stored for one run (paths relative to the run's folder, sizes, sha256s),
 * written by the host worker as it streams, read by the index: outside the series' folder so
 * that archives and listings never show it.
 */
export const runIndexKey = (seriesId: string, runDir: string) => `.file-index/${seriesId}/${runDir}.json`;
export const seriesIndexPrefix = (seriesId: string) => `.file-index/${seriesId}`;

/** Removes everything a series stored: its folder, its file index, its archive. */
export async function removeSeriesFiles(storage: Storage, seriesId: string): Promise<void> {
  await Promise.all([
    storage.deletePrefix(seriesPrefix(seriesId)),
    storage.deletePrefix(seriesIndexPrefix(seriesId)),
    storage.delete(archiveKey(seriesId)),
  ]);
}

/** A file path as the database records it (relative to the series' folder) to its key. */
export const seriesFileKey = (seriesId: string, relative: string) => `${seriesId}/${relative}`;

/** An uploaded input package (its id is db/ids.ts', never reused) and its sha256 (hex text). */
export const packageKey = (packageId: string) => `packages/${packageId}.pkg`;
export const packageDigestKey = (packageId: string) => `packages/${packageId}.sha256`;
