// Storage on the API machine's disk (TUPLET_DATA_DIR/storage, the embedded default): a key is
// a path below the root. Reads go through files/confine.ts, so a link a run left behind cannot
// lead outside the root; writes land in a temporary file renamed into place, so a reader never
// sees half an object.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidRequestError, NotFoundError } from '../../core/errors.ts';
import { isInside, openStoredFile } from '../confine.ts';
import { keySegments, prefixSegments, rangeEnd } from './keys.ts';
import type { ByteRange, ObjectInfo, Storage, StoredObject } from './types.ts';

export class DiskStorage implements Storage {
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `disk ${root}`;
  }

  /** The file of `key` (checked); for callers that still need a path, e.g. node-tar's cwd. */
  pathOf(key: string): string {
    return path.join(this.root, ...keySegments(key));
  }

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // A link planted on the way (by a run's output of old) must not carry the write outside.
    const [realRoot, realDir] = await Promise.all([realpath(this.root), realpath(path.dirname(file))]);
    if (realDir !== realRoot && !isInside(realRoot, realDir))
      throw new InvalidRequestError(
        `storage key ${JSON.stringify(key)}: leads outside the storage (through a link)`,
      );
    const partial = `${file}.partial-${randomBytes(6).toString('hex')}`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key, size: (await stat(file)).size };
  }

  /**
   * Opens a stored file, confined to its key's top folder (a series' own, or the root for a
   * top-level key such as an archive): a link in one series cannot serve another's files.
   */
  private open(key: string) {
    const segments = keySegments(key);
    const scope = segments.length > 1 ? path.join(this.root, segments[0]!) : this.root;
    return openStoredFile(scope, this.root, segments);
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    const file = await this.open(key);
    try {
      const start = range?.start ?? 0;
      const end = range ? rangeEnd(key, file.size, range) : file.size - 1;
      // The stream closes the handle at its end; an empty body never opens a stream.
      if (end < start) {
        await file.handle.close();
        return { size: file.size, start, end, body: Readable.from([]) };
      }
      return { size: file.size, start, end, body: file.handle.createReadStream({ start, end }) };
    } catch (error) {
      await file.handle.close();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const file = await this.open(key);
      await file.handle.close();
      return { key, size: file.size };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(path.join(this.root, ...keySegments(prefix.replace(/\/$/, ''))), {
      recursive: true,
      force: true,
    });
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const segments = prefixSegments(prefix);
    const dir = path.join(this.root, ...segments);
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
        throw e;
      },
    );
    const keys = entries
      .filter((e) => e.isFile() && !/\.partial-[0-9a-f]{12}$/.test(e.name))
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
    for (const key of keys) {
      const info = await stat(path.join(this.root, key)).catch(() => undefined);
      if (info?.isFile()) yield { key, size: info.size };
    }
  }
}
