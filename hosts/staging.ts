// Staging: everything a series needs on a host, sent as streams over a transport.
//   stageSeries: `<workdir>/<seriesId>/` with the package's admitted entries, then
//                `.tuplet/command.sh`, the runner script and `tuples.tsv` (streamed) —
//                one tar stream into one exec channel.
//   stageChunk:  `runs/<dir>/<configFile>` of every tuple of a chunk as one tar stream into
//                `tar -x` (one exec channel), rendered while it flows: memory stays flat.
// Tuples are expanded here from the template (never carried by the workflow); the same
// functions serve local, ssh and slurm hosts.
import path from 'node:path';
import { Readable } from 'node:stream';
import type { IndexRange } from '../core/ranges.ts';
import { parseSweep, renderTuple, tuplesInRange, type Sweep } from '../sweep/index.ts';
import type { RunFile } from '../sweep/render/index.ts';
import { CommandFailedError, HostInputError, describeCommand } from './errors.ts';
import type { ChunkSpec, HostSpec, SeriesSpec } from './executor.ts';
import { checkPackage, packageEntries, type PackageLimits } from './package.ts';
import {
  checkDatasetArchives,
  checkHostDatasets,
  datasetLinkEntries,
  datasetSeriesEntries,
} from './dataset-staging.ts';
import { isSafeComponent, RUNS_DIR, safeRelativePath, TUPLES_FILE, TUPLET_DIR } from './paths.ts';
import { cleanEnvCommand } from './runner/environment.ts';
import { loadScript } from './runner/load-script.ts';
import { tarStream, type TarEntry } from './tar-pack.ts';
import type { ExecOptions, ExecResult, Transport } from './transport.ts';

/** The runner script as shipped into every series directory. */
export const RUNNER_SCRIPT = loadScript(new URL('./runner/tuplet-runner.sh', import.meta.url));
/** Where staging puts it, relative to the series directory. */
export const RUNNER_PATH = `${TUPLET_DIR}/tuplet-runner.sh`;
export const COMMAND_PATH = `${TUPLET_DIR}/command.sh`;
/** The application's setup command, run once per series by the executors' `setup`. */
export const SETUP_PATH = `${TUPLET_DIR}/setup.sh`;

/** Re-exported for the hosts that import it from here; its home is core/ranges.ts. */
export type { IndexRange };

/** `<workdir>/<seriesId>` on the host; refuses ids that could leave the workdir. */
export function seriesDirOf(host: Pick<HostSpec, 'workdir'>, seriesId: string): string {
  if (!isSafeComponent(seriesId)) throw new HostInputError(`unsafe series id ${JSON.stringify(seriesId)}`);
  if (!path.posix.isAbsolute(host.workdir)) {
    throw new HostInputError(
      `the host's workdir must be an absolute path, not ${JSON.stringify(host.workdir)}`,
    );
  }
  return path.posix.join(host.workdir, seriesId);
}

/** The application's config file name, checked: relative, inside the run directory. */
export function checkedConfigFile(configFile: string): string {
  const safe = safeRelativePath(configFile);
  if (safe === undefined || safe.startsWith(`${TUPLET_DIR}/`) || safe === TUPLET_DIR) {
    throw new HostInputError(
      `config file ${JSON.stringify(configFile)} must be a relative path inside the run directory`,
    );
  }
  return safe;
}

/** The index ranges a chunk covers: its rerun ranges, else [offset, offset + length). */
export function chunkRanges(chunk: Pick<ChunkSpec, 'offset' | 'length' | 'ranges'>): IndexRange[] {
  const end = chunk.offset + chunk.length;
  if (!chunk.ranges) return chunk.length > 0 ? [[chunk.offset, end]] : [];
  for (const [start, stop] of chunk.ranges) {
    if (!(
      Number.isSafeInteger(start) &&
      Number.isSafeInteger(stop) &&
      chunk.offset <= start &&
      start <= stop &&
      stop <= end
    )) {
      throw new HostInputError(`rerun range ${start}-${stop} is not inside chunk ${chunk.offset}-${end}`);
    }
  }
  return chunk.ranges.filter(([start, stop]) => stop > start);
}

/** `3-4,9-12`: ranges as the runner script takes them. */
export function formatRanges(ranges: readonly IndexRange[]): string {
  return ranges.map(([start, stop]) => `${start}-${stop}`).join(',');
}

/** Parses the series' template (memoised by the caller; cheap next to staging). */
export function sweepOf(series: Pick<SeriesSpec, 'ini' | 'maxTuples'>): Sweep {
  return parseSweep(series.ini, { maxTuples: series.maxTuples });
}

/**
 * The tar entries `runs/<dir>/<configFile>` of the given tuples, rendered one at a time; with
 * a declared input (hosts/run-input.ts), each of its files instead (`runs/<dir>/<path>`).
 */
export function* configEntries(
  sweep: Sweep,
  configFile: string,
  ranges: readonly IndexRange[],
  input?: readonly RunFile[],
): Generator<TarEntry> {
  const file = checkedConfigFile(configFile);
  for (const [start, stop] of ranges) {
    for (const tuple of tuplesInRange(sweep, start, stop)) {
      if (!input) {
        yield { path: `${RUNS_DIR}/${tuple.dir}/${file}`, data: renderTuple(sweep, tuple.index) };
        continue;
      }
      for (const run of input)
        yield { path: `${RUNS_DIR}/${tuple.dir}/${run.path}`, data: run.render(tuple) };
    }
  }
}

/** The chunk's configs as a tar stream (lazy: rendered as the consumer reads). */
export function chunkTarStream(
  sweep: Sweep,
  configFile: string,
  ranges: readonly IndexRange[],
  input?: readonly RunFile[],
): Readable {
  return tarStream(configEntries(sweep, configFile, ranges, input));
}

/** `tuples.tsv` (`index<TAB>dir` per line) of every tuple, in batches. */
function* tuplesTsvBatches(sweep: Sweep): Generator<string> {
  let batch = '';
  for (const tuple of tuplesInRange(sweep, 0, Number(sweep.count))) {
    batch += `${tuple.index}\t${tuple.dir}\n`;
    if (batch.length >= 256 * 1024) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

/** `tuples.tsv` as a tar entry: its size from a first pass, its text streamed by a second (flat memory). */
export function tuplesTsvEntry(sweep: Sweep): TarEntry {
  let size = 0;
  for (const batch of tuplesTsvBatches(sweep)) size += Buffer.byteLength(batch);
  return {
    path: TUPLES_FILE,
    size,
    open: () => Promise.resolve(Readable.from(tuplesTsvBatches(sweep), { objectMode: false })),
  };
}

/** Argument list of an extraction into `dir` (created first); the tar stream comes on stdin. */
export function untarCommand(dir: string, options: { gzip?: boolean } = {}): string[] {
  const flags = options.gzip ? '-xzf' : '-xf';
  return [
    'bash',
    '-c',
    `mkdir -p -- "$1" && exec tar ${flags} - --no-same-owner -C "$1"`,
    'tuplet-untar',
    dir,
  ];
}

/**
 * Runs the series' setup script once, in the series directory, where submission happens
 * (the login node of a cluster): a setup that already succeeded is not run again. Prints the
 * tail of its output; exits with its code. It sees what runs see: the allowlisted
 * environment and the admin's variables `env` (hosts/runner/environment.ts).
 */
export async function runSetupOnce(
  transport: Transport,
  seriesDir: string,
  env: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<{ exitCode: number; outputTail: string }> {
  const script = `cd "$1" || exit 1
if [ -f .tuplet/setup.exit ] && [ "$(cat .tuplet/setup.exit)" = 0 ]; then tail -c 4000 .tuplet/setup.log; exit 0; fi
bash ${SETUP_PATH} >.tuplet/setup.log 2>&1 </dev/null
code=$?
echo "$code" >.tuplet/setup.exit
tail -c 4000 .tuplet/setup.log
exit "$code"`;
  const result = await transport.exec(
    cleanEnvCommand(env, ['bash', '-c', script, 'tuplet-setup', seriesDir]),
    { signal },
  );
  return { exitCode: result.code, outputTail: result.stdout };
}

/** Runs a command and throws CommandFailedError when it exits non-zero. */
export async function execChecked(
  transport: Transport,
  argv: string[],
  options?: ExecOptions,
): Promise<ExecResult> {
  const result = await transport.exec(argv, options);
  if (result.code !== 0)
    throw new CommandFailedError(transport.label, describeCommand(argv), result.code, result.stderr);
  return result;
}

export interface StageChunkOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The series' declared input, compiled (hosts/run-input.ts); absent: the INI config. */
  input?: readonly RunFile[] | undefined;
  /** The series' datasets: each run directory gets its links (hosts/dataset-staging.ts). */
  datasets?: SeriesSpec['datasets'];
}

/** Writes the configs of the chunk's tuples into `<seriesDir>/runs/` through one `tar -x`. */
export async function stageChunk(
  transport: Transport,
  seriesDir: string,
  sweep: Sweep,
  configFile: string,
  chunk: Pick<ChunkSpec, 'offset' | 'length' | 'ranges'>,
  options: StageChunkOptions = {},
): Promise<{ files: number }> {
  const ranges = chunkRanges(chunk);
  const files = ranges.reduce((sum, [start, stop]) => sum + (stop - start), 0);
  if (files === 0) return { files };
  const { input, datasets, ...execOptions } = options;
  const entries = datasets?.length
    ? tarStream(
        (function* () {
          yield* configEntries(sweep, configFile, ranges, input);
          yield* datasetLinkEntries(sweep, ranges, datasets);
        })(),
      )
    : chunkTarStream(sweep, configFile, ranges, input);
  await execChecked(transport, untarCommand(seriesDir), { ...execOptions, stdin: entries });
  return { files };
}

export interface StageSeriesOptions {
  packageLimits?: PackageLimits;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * The series directory's entries in the order they are unpacked: the package's first, then
 * Tuplet's own files, so that whatever a package holds, `tar -x` writes (and, on a retry,
 * rewrites) Tuplet's files last. The package's entries are admitted again as they stream
 * (package-rules.ts: plain files and directories only, never at Tuplet's names).
 */
export async function* seriesEntries(
  series: Pick<SeriesSpec, 'command' | 'setup' | 'packagePath' | 'datasets'>,
  sweep: Sweep,
  packageLimits?: PackageLimits,
): AsyncGenerator<TarEntry> {
  if (series.packagePath) yield* packageEntries(series.packagePath, packageLimits);
  yield* datasetSeriesEntries(series.datasets, packageLimits);
  yield { path: RUNS_DIR, type: 'Directory' };
  yield { path: `${TUPLET_DIR}/active`, type: 'Directory' };
  yield { path: COMMAND_PATH, data: `${series.command}\n`, mode: 0o644 };
  yield { path: RUNNER_PATH, data: RUNNER_SCRIPT, mode: 0o755 };
  if (series.setup) yield { path: SETUP_PATH, data: `${series.setup}\n`, mode: 0o644 };
  yield tuplesTsvEntry(sweep);
}

/**
 * Creates the series directory with the package, `.tuplet/command.sh`, the setup script, the
 * runner script and `tuples.tsv`, in one exec (each exec over SSH costs a session and the
 * login shell's start). The package is checked whole first: when it is refused, nothing is
 * sent. Idempotent.
 */
export async function stageSeries(
  transport: Transport,
  seriesDir: string,
  series: Pick<SeriesSpec, 'command' | 'setup' | 'packagePath' | 'datasets'>,
  sweep: Sweep,
  options: StageSeriesOptions = {},
): Promise<void> {
  if (series.packagePath) await checkPackage(series.packagePath, options.packageLimits);
  await checkDatasetArchives(series.datasets, options.packageLimits);
  await checkHostDatasets(transport, series.datasets, options.signal);
  await execChecked(transport, untarCommand(seriesDir), {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    stdin: tarStream(seriesEntries(series, sweep, options.packageLimits)),
  });
}
