// Input packages (zip, tar, tar.gz) uploaded before a series: streamed to a scratch file under
// a size cap and the owner's quota, checked entry by entry (hosts/package.ts) before anything
// else sees them, put into storage as `packages/<id>.pkg` (disk or S3, files/storage/) with
// its sha256 beside it, recorded in the `packages` table, and referred to by id when a series
// is created or cloned. A member uses only their own.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { newId } from '../../db/ids.ts';
import { storageOf, type Storage } from '../../files/storage/index.ts';
import { packageDigestKey, packageKey } from '../../files/storage/layout.ts';
import { withLocalFile } from '../../files/storage/local-copy.ts';
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

export type PackageDeps = Pick<ApiDeps, 'db' | 'storageDir' | 'config' | 'logger'> & {
  storage?: Storage | undefined;
};

/** Where the disk storage keeps packages (`packages/<id>.pkg`): the legacy metadata lives there. */
export const packagesDir = (storageDir: string) => path.join(storageDir, 'packages');

/**
 * Scratch files of uploads being received and checked, and of packages the API reads for a
 * moment (a template): on the data disk, not in memory, removed when done. Its name starts
 * with a dot, so it can be no series' folder.
 */
export const uploadScratchDir = (storageDir: string) => path.join(storageDir, '.uploads');

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

  const storage = storageOf(deps);
  const scratch = uploadScratchDir(storageDir);
  await mkdir(scratch, { recursive: true });
  const id = newId();
  const partial = path.join(scratch, `${id}.partial`);
  let stored = false;
  let recorded = false;
  try {
    const { uploadedBytes, sha256, ...checked } = await receiveCheckedArchive(request, partial, cap, refusal);
    stored = true;
    await storage.put(packageKey(id), createReadStream(partial));
    await storage.put(packageDigestKey(id), Readable.from([sha256]));
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
    if (stored) await removePackageObjects(storage, id);
    throw error;
  } finally {
    await rm(partial, { force: true });
  }
}

/** The package's objects: its archive and its digest. */
export async function removePackageObjects(storage: Storage, id: string): Promise<void> {
  await Promise.all([storage.delete(packageKey(id)), storage.delete(packageDigestKey(id))]);
}

/**
 * Streams a request body into `file`, at most `cap` bytes (`refusal` beyond, while it streams),
 * its sha256 taken on the way, and checks it as a package (hosts/package.ts): a refused archive
 * is a 400 naming its entry. Input packages and uploaded datasets both come in this way. The
 * caller removes `file`.
 */
export async function receiveCheckedArchive(
  request: Request,
  file: string,
  cap: number,
  refusal: (size: string) => ApiError,
): Promise<CheckedPackage & { uploadedBytes: number; sha256: string }> {
  if (!request.body)
    throw new ApiError(400, 'invalid_package', 'send the package (zip, tar or tar.gz) as the request body');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (cap <= 0 || declared > cap) throw refusal(Number.isFinite(declared) ? `${declared} bytes` : 'more');
  let uploadedBytes = 0;
  const hash = createHash('sha256');
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      uploadedBytes += chunk.length;
      hash.update(chunk);
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
    return { ...(await checkPackage(file)), uploadedBytes, sha256: hash.digest('hex') };
  } catch (error) {
    if (error instanceof PackageError) throw new ApiError(400, 'invalid_package', error.message);
    throw error;
  }
}

/**
 * The package a series unpacks: an uploaded one by id (in storage), or — for a clone of a
 * series from before packages had rows — the file its row names on the disk storage.
 */
export interface SeriesPackage {
  packageId?: string | undefined;
  packagePath?: string | undefined;
}

/**
 * Runs `use` with the package as a file on this machine (undefined: no package): on disk the
 * stored file itself, on S3 a scratch copy removed afterwards. For the rare reader that needs
 * the archive's content at creation (a template input's file).
 */
export async function withPackageFile<T>(
  deps: PackageDeps,
  pkg: SeriesPackage,
  use: (file: string | undefined) => Promise<T>,
): Promise<T> {
  if (!pkg.packageId) return use(pkg.packagePath);
  const scratch = uploadScratchDir(deps.storageDir);
  await mkdir(scratch, { recursive: true });
  return withLocalFile(storageOf(deps), packageKey(pkg.packageId), scratch, use);
}

/**
 * The package's sha256 (null: no package), for the reuse key: the digest taken at upload, else
 * (packages uploaded before digests were kept) the stored archive hashed as it streams.
 */
export async function packageSha256(deps: PackageDeps, pkg: SeriesPackage): Promise<string | null> {
  const hash = createHash('sha256');
  if (pkg.packageId) {
    const storage = storageOf(deps);
    if (await storage.head(packageDigestKey(pkg.packageId)))
      return (await readText((await storage.get(packageDigestKey(pkg.packageId))).body)).trim();
    await pipeline((await storage.get(packageKey(pkg.packageId))).body, hash);
  } else if (pkg.packagePath) {
    await pipeline(createReadStream(pkg.packagePath), hash);
  } else {
    return null;
  }
  return hash.digest('hex');
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
  return { packageId: id };
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
  await removePackageObjects(storageOf(deps), id);
  deps.logger.info({ packageId: id, by: user.name }, 'package deleted');
}
