// Uploaded packages that no new series has used for TUPLET_PACKAGE_TTL_HOURS, and that no
// unfinished series unpacks, are deleted: their rows, then their files. The API process runs
// the purge at start and then periodically; tests call purgeUnusedPackages with a clock.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { deleteUnusedPackages, existingPackageIds, insertPackage } from '../../db/packages.ts';
import { startPeriodic, type Periodic } from '../../core/periodic.ts';
import { storageOf } from '../../files/storage/index.ts';
import type { PackageDeps } from './packages.ts';
import { packagesDir, removePackageObjects } from './packages.ts';

export type PurgeDeps = Pick<PackageDeps, 'db' | 'storageDir' | 'config' | 'logger' | 'storage'>;

/** Deletes the packages unused since `now - packageTtlMs`; returns their ids. */
export async function purgeUnusedPackages(deps: PurgeDeps, now = new Date()): Promise<string[]> {
  await adoptLegacyPackages(deps);
  const cutoff = new Date(now.getTime() - deps.config.limits.packageTtlMs);
  const ids = await deleteUnusedPackages(deps.db, cutoff);
  const storage = storageOf(deps);
  await Promise.all(ids.map((id) => removePackageObjects(storage, id)));
  if (ids.length > 0) deps.logger.info({ packages: ids, cutoff }, 'unused packages deleted');
  return ids;
}

/** Runs the purge now and every `intervalMs` (default: an hour) until stopped. */
export function startPackagePurge(deps: PurgeDeps, intervalMs = 3_600_000): Periodic {
  return startPeriodic(
    () => purgeUnusedPackages(deps),
    intervalMs,
    (error) => deps.logger.warn({ err: error }, 'purging unused packages failed'),
  );
}

/**
 * Packages uploaded before they had rows (always on the disk storage) kept their metadata in
 * `<id>.json` beside the file:
 * give each a row (last used when its file was last written) so that it counts against its
 * owner's quota, can be used by id and is purged like the others.
 */
async function adoptLegacyPackages(deps: PurgeDeps): Promise<void> {
  const dir = packagesDir(deps.storageDir);
  const metas = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[a-z0-9]+\.json$/.test(n));
  if (metas.length === 0) return;
  const known = await existingPackageIds(
    deps.db,
    metas.map((n) => n.slice(0, -'.json'.length)),
  );
  for (const name of metas) {
    const id = name.slice(0, -'.json'.length);
    const meta = path.join(dir, name);
    try {
      if (!known.has(id)) {
        const legacy = JSON.parse(await readFile(meta, 'utf8')) as LegacyMeta;
        const written = (await stat(path.join(dir, `${id}.pkg`))).mtime;
        await insertPackage(deps.db, {
          id,
          ownerId: legacy.ownerId,
          name: legacy.name,
          format: legacy.format,
          entries: legacy.entries,
          bytes: legacy.bytes,
          uploadedBytes: legacy.uploadedBytes,
          createdAt: written,
          lastUsedAt: written,
        });
      }
      await rm(meta, { force: true });
    } catch (error) {
      // Its owner removed, its file gone, the database away: left as it is, tried again next time.
      deps.logger.warn({ err: error, packageId: id }, 'an old package could not be given a row');
    }
  }
}

interface LegacyMeta {
  ownerId: string;
  name: string;
  format: 'zip' | 'tar' | 'tar.gz';
  entries: number;
  bytes: number;
  uploadedBytes: number;
}
