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
