// Input packages (zip, tar, tar.gz) uploaded before a series: streamed to
// `<storage>/packages/<id>`, checked entry by entry (path traversal, links that point out,
// size) before anything else sees them, and referred to by id when a series is created.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { newId } from '../../db/ids.ts';
import { PackageError } from '../../hosts/errors.ts';
import { checkPackage, type CheckedPackage } from '../../hosts/package.ts';
import type { AuthUser } from '../context.ts';
import { ApiError } from '../errors.ts';

/** Largest upload accepted (compressed bytes); what it unpacks to is limited by checkPackage. */
export const MAX_PACKAGE_BYTES = 1024 ** 3;

export interface StoredPackage {
  id: string;
  ownerId: string;
  name: string;
  format: CheckedPackage['format'];
  entries: number;
  bytes: number;
  uploadedBytes: number;
}

const packagesDir = (storageDir: string) => path.join(storageDir, 'packages');
const fileOf = (storageDir: string, id: string) => path.join(packagesDir(storageDir), `${id}.pkg`);
const metaOf = (storageDir: string, id: string) => path.join(packagesDir(storageDir), `${id}.json`);

export async function receivePackage(
  storageDir: string,
  owner: AuthUser,
  name: string,
  body: ReadableStream<Uint8Array> | null,
): Promise<StoredPackage> {
  if (!body)
    throw new ApiError(400, 'invalid_package', 'send the package (zip, tar or tar.gz) as the request body');
  await mkdir(packagesDir(storageDir), { recursive: true });
  const id = newId();
  const partial = `${fileOf(storageDir, id)}.partial`;
  let uploadedBytes = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      uploadedBytes += chunk.length;
      if (uploadedBytes > MAX_PACKAGE_BYTES) {
        done(new ApiError(413, 'too_large', `package larger than ${MAX_PACKAGE_BYTES} bytes`));
      } else done(null, chunk);
    },
  });
  try {
    // The request body is a WHATWG stream; Node's typings name it apart from the DOM's.
    await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), cap, createWriteStream(partial));
    const checked = await checkPackage(partial);
    await rename(partial, fileOf(storageDir, id));
    const stored: StoredPackage = {
      id,
      ownerId: owner.id,
      name,
      format: checked.format,
      entries: checked.entries,
      bytes: checked.bytes,
      uploadedBytes,
    };
    await writeFile(metaOf(storageDir, id), JSON.stringify(stored));
    return stored;
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof PackageError) throw new ApiError(400, 'invalid_package', error.message);
    throw error;
  }
}

/** The package file a series may use: the uploader's own (or any, for an admin). */
export async function packageForSeries(storageDir: string, user: AuthUser, id: string): Promise<string> {
  if (!/^[a-z0-9]{4,40}$/.test(id)) throw new ApiError(400, 'invalid_request', 'package: not a package id');
  const meta = await readFile(metaOf(storageDir, id), 'utf8').then(
    (text) => JSON.parse(text) as StoredPackage,
    () => undefined,
  );
  if (!meta)
    throw new ApiError(422, 'unknown_package', `package '${id}' does not exist`, { field: 'package' });
  if (meta.ownerId !== user.id && user.role !== 'admin') {
    throw new ApiError(403, 'forbidden', `package '${id}' belongs to another user`);
  }
  return fileOf(storageDir, id);
}
