// A series' stored inputs as files on the host worker's machine, before they are staged: the
// uploaded package and each uploaded dataset version live in storage (disk or S3); staging
// reads them entry by entry, at random for a zip, so it needs files. On disk storage they are
// the stored files themselves; on S3 copies streamed once into `<storageDir>/.input-cache/`
// (their keys are never reused with other content, so a copy stays right), then sent to the
// host as the tar stream staging encodes. A host-resident dataset never comes here.
//
// Pruning: a copy not used for `inputCacheTtlMs` (TUPLET_HOST_CACHE_TTL_HOURS, 7 days by default) goes. Every use touches the
// copy (its mtime is its last use) and hands out a pin — a hard link below `.in-use/` named with
// its time — instead of the copy's own path: removing the copy never takes the file from a series
// about to read it (the link keeps the data), and pins go once older than the same limit (a
// reader has long opened its file by then). No lock is needed: a use that finds its copy removed
// between the fetch and the pin fetches it again.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { storageOf, type Storage } from '../files/storage/index.ts';
import { cachedLocalFile } from '../files/storage/local-copy.ts';
import { HOST_CACHE_TTL_HOURS } from './cache-ttl.ts';
import type { SeriesSpec } from './executor.ts';

export interface LocalInputDeps {
  storage?: Storage | undefined;
  storageDir: string;
  /** How long a cached copy (and a pin) may go unused before it is removed (config.ts hostCacheTtlMs); default 7 days. */
  inputCacheTtlMs?: number | undefined;
}

export const INPUT_CACHE_TTL_MS = HOST_CACHE_TTL_HOURS * 3600_000;
/** Where pins live, inside the cache (same filesystem, for hard links); no storage key starts with a dot. */
const PINS = '.in-use';
/** A process prunes a cache at most this often (a walk of the cache directory). */
const PRUNE_EVERY_MS = 3600_000;
const lastPruned = new Map<string, number>();

export const inputCacheDir = (storageDir: string) => path.join(storageDir, '.input-cache');

/** The series with `packagePath` and each upload's `file` set to a file on this machine (staging). */
export async function withLocalInputs<S extends Pick<SeriesSpec, 'packageKey' | 'packagePath' | 'datasets'>>(
  series: S,
  deps: LocalInputDeps,
): Promise<S> {
  if (!series.datasets?.some((d) => d.storageKey)) return withLocalPackage(series, deps);
  const [withPackage, datasets] = await Promise.all([
    withLocalPackage(series, deps),
    Promise.all(
      series.datasets.map(async (d) =>
        d.storageKey ? { ...d, file: await localFile(deps, d.storageKey) } : d,
      ),
    ),
  ]);
  return { ...withPackage, datasets };
}

/** The series with `packagePath` set to the package's file on this machine (a chunk's template). */
export async function withLocalPackage<S extends Pick<SeriesSpec, 'packageKey' | 'packagePath'>>(
  series: S,
  deps: LocalInputDeps,
): Promise<S> {
  if (!series.packageKey) return series;
  return { ...series, packagePath: await localFile(deps, series.packageKey) };
}

async function localFile(deps: LocalInputDeps, key: string): Promise<string> {
  const cacheDir = inputCacheDir(deps.storageDir);
  const ttl = deps.inputCacheTtlMs ?? INPUT_CACHE_TTL_MS;
  const now = Date.now();
  if (now - (lastPruned.get(cacheDir) ?? 0) >= PRUNE_EVERY_MS) {
    lastPruned.set(cacheDir, now);
    await pruneInputCache(cacheDir, ttl, now);
  }
  for (let attempt = 1; ; attempt++) {
    const file = await cachedLocalFile(storageOf(deps), key, cacheDir);
    // Disk storage: the stored file itself, nothing cached.
    if (!file.startsWith(cacheDir + path.sep)) return file;
    try {
      return await pin(cacheDir, file);
    } catch (error) {
      // Pruned between the fetch and the pin: fetch it again (twice is a prune racing twice).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
    }
  }
}

/** Marks the copy used now and answers a pin of it: a hard link no prune removes before `ttl`. */
async function pin(cacheDir: string, file: string): Promise<string> {
  const now = new Date();
  await utimes(file, now, now);
  const pins = path.join(cacheDir, PINS);
  await mkdir(pins, { recursive: true });
  const pinned = path.join(pins, `${now.getTime()}-${randomBytes(6).toString('hex')}-${path.basename(file)}`);
  await link(file, pinned);
  return pinned;
}

/**
 * Removes what the cache holds unused for longer than `ttlMs`: copies by their mtime (their last
 * use; a dead download's `.partial-` file too), pins by the time in their name.
 */
export async function pruneInputCache(cacheDir: string, ttlMs: number, now = Date.now()): Promise<string[]> {
  const cutoff = now - ttlMs;
  const removed: string[] = [];
  const remove = async (file: string) => {
    await unlink(file).then(
      () => removed.push(file),
      () => undefined, // gone already (another prune)
    );
  };
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full === path.join(cacheDir, PINS)) {
          for (const name of await readdir(full).catch(() => [] as string[])) {
            if (Number(name.split('-', 1)[0]) < cutoff) await remove(path.join(full, name));
          }
        } else {
          await walk(full);
        }
      } else if (entry.isFile()) {
        const info = await stat(full).catch(() => undefined);
        if (info && info.mtimeMs < cutoff) await remove(full);
      }
    }
  };
  await walk(cacheDir);
  return removed;
}
