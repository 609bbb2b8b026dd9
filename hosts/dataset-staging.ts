// Staging of a series' datasets (docs/datasets.md). Once per series, in the series directory:
// an uploaded version is unpacked into `.tuplet/datasets/<name>/` from its checked archive (the
// same admitted entries an input package gives, re-encoded by Tuplet), a host-resident version
// becomes a link `.tuplet/datasets/<name>` to its directory (checked to exist first; its data
// never passes through the server or the worker). Then every run directory gets a relative link
// `<mountPath>` to `.tuplet/datasets/<name>`, written with the run's configs (stageChunk), so a
// rerun's fresh directory has it again. `.tuplet/` is Tuplet's own: no package entry lands there.
import path from 'node:path';
import type { IndexRange } from '../core/ranges.ts';
import { tuplesInRange, type Sweep } from '../sweep/index.ts';
import { HostInputError } from './errors.ts';
import type { StagedDataset } from './executor.ts';
import { checkPackage, packageEntries, type PackageLimits } from './package.ts';
import { isSafeComponent, RUNS_DIR, safeRelativePath, TUPLET_DIR } from './paths.ts';
import type { TarEntry } from './tar-pack.ts';
import type { Transport } from './transport.ts';

const DATASETS_DIR = `${TUPLET_DIR}/datasets`;

const describe = (d: StagedDataset) => `dataset '${d.name}' version ${d.version}`;

/** `.tuplet/datasets/<name>`, relative to the series directory. */
function stagedDirOf(dataset: StagedDataset): string {
  if (!isSafeComponent(dataset.name))
    throw new HostInputError(`unsafe dataset name ${JSON.stringify(dataset.name)}`);
  return `${DATASETS_DIR}/${dataset.name}`;
}

/** The mount path as the API checked it; checked again, since it names a path on the host. */
function mountPathOf(dataset: StagedDataset): string {
  const safe = safeRelativePath(dataset.mountPath);
  if (
    safe === undefined ||
    safe !== dataset.mountPath ||
    safe === TUPLET_DIR ||
    safe.startsWith(`${TUPLET_DIR}/`)
  )
    throw new HostInputError(`${describe(dataset)}: unsafe mount path ${JSON.stringify(dataset.mountPath)}`);
  return safe;
}

function archiveOf(dataset: StagedDataset): string {
  if (!dataset.file)
    throw new HostInputError(
      `${describe(dataset)}: its archive was not fetched from storage (withLocalInputs)`,
    );
  return dataset.file;
}

/** Checks every uploaded archive whole before anything is sent (as the package is). */
export async function checkDatasetArchives(
  datasets: readonly StagedDataset[] | undefined,
  limits?: PackageLimits,
): Promise<void> {
  for (const dataset of datasets ?? [])
    if (dataset.storageKey) await checkPackage(archiveOf(dataset), limits);
}

/** Refuses the staging when a host-resident dataset's directory is missing, naming it. */
export async function checkHostDatasets(
  transport: Transport,
  datasets: readonly StagedDataset[] | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const onHost = (datasets ?? []).filter((d) => d.hostPath !== undefined);
  if (onHost.length === 0) return;
  const script = 'for p; do [ -d "$p" ] || { printf "%s" "$p"; exit 3; }; done';
  const paths = onHost.map((d) => d.hostPath!);
  const result = await transport.exec(['bash', '-c', script, 'tuplet-check-datasets', ...paths], { signal });
  if (result.code === 0) return;
  const missing = onHost.find((d) => d.hostPath === result.stdout);
  if (result.code === 3 && missing) {
    throw new HostInputError(
      `${describe(missing)}: ${missing.hostPath} is not a directory on host ${transport.label}`,
    );
  }
  throw new HostInputError(
    `checking the datasets' directories on ${transport.label} failed: ${result.stderr.trim()}`,
  );
}

/** The series directory's dataset entries: each upload's admitted entries, each host path's link. */
export async function* datasetSeriesEntries(
  datasets: readonly StagedDataset[] | undefined,
  limits?: PackageLimits,
): AsyncGenerator<TarEntry> {
  for (const dataset of datasets ?? []) {
    const dir = stagedDirOf(dataset);
    if (dataset.hostPath !== undefined) {
      yield { path: dir, type: 'SymbolicLink', linkpath: dataset.hostPath };
      continue;
    }
    yield { path: dir, type: 'Directory' };
    for await (const entry of packageEntries(archiveOf(dataset), limits))
      yield { ...entry, path: `${dir}/${entry.path}` };
  }
}

/** Each run directory's links `runs/<dir>/<mountPath>` → `.tuplet/datasets/<name>` (relative). */
export function* datasetLinkEntries(
  sweep: Sweep,
  ranges: readonly IndexRange[],
  datasets: readonly StagedDataset[] | undefined,
): Generator<TarEntry> {
  if (!datasets?.length) return;
  const mounts = datasets.map((d) => ({ mount: mountPathOf(d), target: stagedDirOf(d) }));
  for (const [start, stop] of ranges) {
    for (const tuple of tuplesInRange(sweep, start, stop)) {
      for (const { mount, target } of mounts) {
        const link = `${RUNS_DIR}/${tuple.dir}/${mount}`;
        yield {
          path: link,
          type: 'SymbolicLink',
          linkpath: path.posix.relative(path.posix.dirname(link), target),
        };
      }
    }
  }
}
