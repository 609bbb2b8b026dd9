// Storage in an S3-compatible bucket (TUPLET_STORAGE_URL=s3://bucket/prefix): a key is an
// object name below the prefix. Uploads are multipart and streamed (lib-storage's Upload keeps
// at most QUEUE parts of PART_BYTES in memory, whatever the object's size); reads stream the
// response body, by range when asked. Credentials live in the client only: `description`
// and every error message name the bucket and key, never a key id or secret.
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Transform, type Readable } from 'node:stream';
import { NotFoundError } from '../../core/errors.ts';
import { keySegments, prefixSegments, rangeEnd } from './keys.ts';
import type { ByteRange, ObjectInfo, Storage, StoredObject } from './types.ts';

/** S3's smallest part but the last; 2 parts in flight bound an upload's memory to ~16 MiB. */
const PART_BYTES = 8 * 1024 ** 2;
const QUEUE = 2;

export interface S3StorageOptions {
  bucket: string;
  /** Below which every key goes (`''` or ending in `/`). */
  prefix: string;
  /** An S3-compatible server's URL; absent: AWS's own for the region. */
  endpoint?: string;
  region: string;
  /** Absent: the SDK's default chain (instance role, ~/.aws, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `bucket` in the path rather than the host name (most self-hosted servers want this). */
  forcePathStyle: boolean;
}

export class S3Storage implements Storage {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.description = `s3://${options.bucket}/${options.prefix}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  private objectName(key: string): string {
    return this.prefix + keySegments(key).join('/');
  }

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    body.once('error', (error) => counted.destroy(error));
    body.pipe(counted);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectName(key), Body: counted },
      partSize: PART_BYTES,
      queueSize: QUEUE,
      leavePartsOnError: false,
    });
    await upload.done();
    return { key, size };
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    const name = this.objectName(key);
    // The range is checked against the size first, so that every backend refuses alike.
    const info = range ? await this.head(key) : undefined;
    if (range && !info) throw new NotFoundError(`stored object '${key}'`);
    const end = range && info ? rangeEnd(key, info.size, range) : undefined;
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: name,
          ...(range ? { Range: `bytes=${range.start}-${end}` } : {}),
        }),
      );
      const length = answer.ContentLength ?? 0;
      const total = range ? Number(answer.ContentRange?.split('/')[1] ?? info!.size) : length;
      const start = range?.start ?? 0;
      return { size: total, start, end: start + length - 1, body: answer.Body as Readable };
    } catch (error) {
      if (isMissing(error)) throw new NotFoundError(`stored object '${key}'`);
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const answer = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }),
      );
      return { key, size: answer.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectName(key) }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    keySegments(prefix.replace(/\/$/, '')); // never '' (the whole bucket prefix)
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const objects = batch.map((key) => ({ Key: this.objectName(key) }));
      batch = [];
      await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }),
      );
    };
    for await (const { key } of this.list(prefix)) {
      batch.push(key);
      // S3 deletes at most 1,000 objects per request.
      if (batch.length === 1000) await flush();
    }
    await flush();
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const segments = prefixSegments(prefix);
    const below = this.prefix + segments.map((s) => `${s}/`).join('');
    for await (const page of paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: below },
    )) {
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield { key: object.Key.slice(this.prefix.length), size: object.Size ?? 0 };
      }
    }
  }

  /** Closes the client's sockets (tests, shutdown). */
  close(): void {
    this.client.destroy();
  }
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
  );
}
