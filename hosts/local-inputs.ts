// A series' stored inputs as files on the host worker's machine, before they are staged: the
// uploaded package and each uploaded dataset version live in storage (disk or S3); staging
// reads them entry by entry, at random for a zip, so it needs files. On disk storage they are
// the stored files themselves; on S3 copies streamed once into `<storageDir>/.input-cache/`
// (their keys are never reused with other content, so a copy stays right), then sent to the
// host as the tar stream staging encodes. A host-resident dataset never comes here.
import path from 'node:path';
import { storageOf, type Storage } from '../files/storage/index.ts';
import { cachedLocalFile } from '../files/storage/local-copy.ts';
import type { SeriesSpec } from './executor.ts';

export interface LocalInputDeps {
  storage?: Storage | undefined;
  storageDir: string;
}

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

const localFile = (deps: LocalInputDeps, key: string) =>
  cachedLocalFile(storageOf(deps), key, inputCacheDir(deps.storageDir));
