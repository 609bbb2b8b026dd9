// Input packages (zip, tar, tar.gz) uploaded before a series: streamed to
// `<storage>/packages/<id>.pkg` under a size cap and the owner's quota, checked entry by entry
// (hosts/package.ts) before anything else sees them, recorded in the `packages` table, and
// referred to by id when a series is created or cloned. A member uses only their own.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { newId } from '../../db/ids.ts';
import {
  deletePackageRow,
  findPackage,
  insertPackage,
  packageUsage,
  touchPackage,
  unfinishedSeriesUsing,
  type PackageRow,
} from '../../db/packages.ts';
import { PackageError } from '../../hosts/errors.ts';
import { checkPackage, type CheckedPackage } from '../../hosts/package.ts';
import { isAdmin } from '../auth.ts';
import type { ApiDeps, AuthUser } from '../context.ts';
import { ApiError, conflict, forbidden, notFound } from '../errors.ts';

export type PackageDeps = Pick<ApiDeps, 'db' | 'storageDir' | 'config' | 'logger'>;

export const packagesDir = (storageDir: string) => path.join(storageDir, 'packages');
export const packageFile = (storageDir: string, id: string) =>
  path.join(packagesDir(storageDir), `${id}.pkg`);

const tooLarge = (limit: number) =>
  new ApiError(413, 'too_large', `the package is larger than ${limit} bytes (TUPLET_MAX_PACKAGE_BYTES)`, {
    limit,
  });

const overQuota = (quota: number, used: number, upload: string) =>
  new ApiError(
    413,
    'quota_exceeded',
    `package quota of ${quota} bytes exceeded: your packages hold ${used} bytes and this upload is ${upload}; ` +
      'delete packages you no longer need (DELETE /api/v1/packages/{id})',
    { quota, used },
  );

/**
 * Streams the request body to disk, checks it and records it; nothing stays when it is refused.
 * Answers the row and the entries the check admitted (the first LISTED_ENTRIES of them).
 */
export async function receivePackage(
  deps: PackageDeps,
  owner: AuthUser,
  name: string,
  request: Request,
): Promise<PackageRow & Pick<CheckedPackage, 'listed'>> {
  const { db, storageDir, config } = deps;
  const { packageBytes, packageQuotaBytes: quota } = config.limits;
  const used = await packageUsage(db, owner.id);
  const cap = Math.min(packageBytes, quota - used);
  const refusal = (size: string) =>
    cap < packageBytes ? overQuota(quota, used, size) : tooLarge(packageBytes);

  await mkdir(packagesDir(storageDir), { recursive: true });
  const id = newId();
  const partial = `${packageFile(storageDir, id)}.partial`;
  let recorded = false;
  try {
    const { uploadedBytes, ...checked } = await receiveCheckedArchive(request, partial, cap, refusal);
    await rename(partial, packageFile(storageDir, id));
    const row = await insertPackage(db, {
      id,
      ownerId: owner.id,
      name,
      format: checked.format,
      entries: checked.entries,
      bytes: checked.bytes,
      uploadedBytes,
    });
    recorded = true;
    // Two uploads at once may both have fitted before either was recorded: count again.
    const usedNow = await packageUsage(db, owner.id);
    if (usedNow > quota) throw overQuota(quota, usedNow - uploadedBytes, `${uploadedBytes} bytes`);
    return { ...row, listed: checked.listed };
  } catch (error) {
    if (recorded) await deletePackageRow(db, id);
    await Promise.all([rm(partial, { force: true }), rm(packageFile(storageDir, id), { force: true })]);
    throw error;
  }
}

/**
 * Streams a request body into `file`, at most `cap` bytes (`refusal` beyond, while it streams),
 * and checks it as a package (hosts/package.ts): a refused archive is a 400 naming its entry.
 * Input packages and uploaded datasets both come in this way. The caller removes `file`.
 */
export async function receiveCheckedArchive(
  request: Request,
  file: string,
  cap: number,
  refusal: (size: string) => ApiError,
): Promise<CheckedPackage & { uploadedBytes: number }> {
  if (!request.body)
    throw new ApiError(400, 'invalid_package', 'send the package (zip, tar or tar.gz) as the request body');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (cap <= 0 || declared > cap) throw refusal(Number.isFinite(declared) ? `${declared} bytes` : 'more');
  let uploadedBytes = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      uploadedBytes += chunk.length;
      if (uploadedBytes > cap) done(refusal(`more than ${cap} bytes`));
      else done(null, chunk);
    },
  });
  try {
    // The request body is a WHATWG stream; Node's typings name it apart from the DOM's.
    await pipeline(
      Readable.fromWeb(request.body as WebReadableStream<Uint8Array>),
      capped,
      createWriteStream(file),
    );
    return { ...(await checkPackage(file)), uploadedBytes };
  } catch (error) {
    if (error instanceof PackageError) throw new ApiError(400, 'invalid_package', error.message);
    throw error;
  }
}

export interface SeriesPackage {
  packageId: string;
  packagePath: string;
}

/**
 * The package a new series unpacks: the user's own (any, for an admin). Marks it used, so
 * that the purge of unused packages spares it while the series is created.
 */
export async function usePackage(deps: PackageDeps, user: AuthUser, id: string): Promise<SeriesPackage> {
  if (!/^[a-z0-9]{4,40}$/.test(id)) throw new ApiError(400, 'invalid_request', 'package: not a package id');
  const row = await findPackage(deps.db, id);
  if (!row)
    throw new ApiError(422, 'unknown_package', `package '${id}' does not exist`, { field: 'package' });
  if (row.ownerId !== user.id && !isAdmin(user))
    throw forbidden(`package '${id}' belongs to another user; upload your own`);
  await touchPackage(deps.db, id);
  return { packageId: id, packagePath: packageFile(deps.storageDir, id) };
}

/**
 * The package a clone unpacks: the one the user gives, else the source series' own — which
 * a member may borrow only when it is theirs (a package is private to its owner).
 */
export async function packageForClone(
  deps: PackageDeps,
  user: AuthUser,
  source: { id: string; ownerId: string; packageId: string | null; packagePath: string | null },
  given: string | undefined,
): Promise<Partial<SeriesPackage>> {
  if (given) return usePackage(deps, user, given);
  if (source.packageId) {
    const row = await findPackage(deps.db, source.packageId);
    if (!row) {
      throw new ApiError(
        422,
        'unknown_package',
        `the package of series ${source.id} has been deleted; give a package to clone it`,
        { field: 'package' },
      );
    }
    if (row.ownerId !== user.id && !isAdmin(user)) {
      throw forbidden(
        `series ${source.id} runs on a package of another user; give your own package (field package) to clone it`,
      );
    }
    return usePackage(deps, user, source.packageId);
  }
  if (source.packagePath) {
    // A series from before packages had rows: its package is its owner's.
    if (source.ownerId !== user.id && !isAdmin(user)) {
      throw forbidden(
        `series ${source.id} runs on a package of another user; give your own package (field package) to clone it`,
      );
    }
    return { packagePath: source.packagePath };
  }
  return {};
}

/** Deletes a package (owner or admin), unless a series not yet finished unpacks it. */
export async function deletePackage(deps: PackageDeps, user: AuthUser, id: string): Promise<void> {
  const row = await findPackage(deps.db, id);
  if (!row) throw notFound(`package '${id}'`);
  if (row.ownerId !== user.id && !isAdmin(user))
    throw forbidden('only the owner of the package or an admin may delete it');
  const using = await unfinishedSeriesUsing(deps.db, id);
  if (using.length > 0) {
    throw conflict(`package '${id}' is used by series not yet finished: ${using.join(', ')}`, {
      series: using,
    });
  }
  await deletePackageRow(deps.db, id);
  await rm(packageFile(deps.storageDir, id), { force: true });
  deps.logger.info({ packageId: id, by: user.name }, 'package deleted');
}
