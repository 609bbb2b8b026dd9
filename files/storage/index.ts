// The storage a process uses, from its configuration: S3 when TUPLET_STORAGE_URL names a
// bucket, else the disk below TUPLET_DATA_DIR/storage (the embedded default).
import path from 'node:path';
import { DiskStorage } from './disk.ts';
import { S3Storage, type S3StorageOptions } from './s3.ts';
import type { Storage } from './types.ts';

export type { ByteRange, ObjectInfo, Storage, StoredObject } from './types.ts';
export { DiskStorage } from './disk.ts';
export { S3Storage } from './s3.ts';

export interface StorageConfig {
  /** Undefined: disk. */
  s3: S3StorageOptions | undefined;
}

export function openStorage(config: StorageConfig, dataDir: string): Storage {
  return config.s3 ? new S3Storage(config.s3) : new DiskStorage(path.join(dataDir, 'storage'));
}

const disks = new Map<string, DiskStorage>();

/**
 * The storage a component was given, else the disk below its storage directory: the stack and
 * `tuplet worker` pass `openStorage(…)`; tests and embedded callers that give only a directory
 * get the disk.
 */
export function storageOf(deps: { storage?: Storage | undefined; storageDir: string }): Storage {
  if (deps.storage) return deps.storage;
  let disk = disks.get(deps.storageDir);
  if (!disk) disks.set(deps.storageDir, (disk = new DiskStorage(deps.storageDir)));
  return disk;
}

/** The directory below which a storage keeps files on this machine's disk; undefined for S3. */
export function diskRootOf(storage: Storage | string): string | undefined {
  if (typeof storage === 'string') return storage;
  return storage instanceof DiskStorage ? storage.root : undefined;
}
