// Collect: the outputs of a chunk's runs come back from the host as one tar stream
// (`tar -c` of the chunk's run directories, one exec channel) and are stored (disk or S3,
// files/storage/) under `<seriesId>/runs/<dir>/…`, keeping only what the application's `collect`
// globs name (plus the run's own records) and refusing any entry that would land outside
// its run directory: absolute paths, `..`, links, or a directory not of this chunk.
import path from 'node:path';
import type { Readable } from 'node:stream';
import picomatch from 'picomatch';
import { DiskStorage } from '../files/storage/disk.ts';
import { runsPrefix } from '../files/storage/layout.ts';
import { inOrderAhead } from '../files/storage/read-ahead.ts';
import { writeRunIndex, type RunIndexEntry } from '../files/storage/run-index.ts';
import type { Storage } from '../files/storage/types.ts';
import { CommandFailedError, describeCommand } from './errors.ts';
import type { ChunkSpec, CollectResult } from './executor.ts';
import { isSafeComponent, safeRelativePath } from './paths.ts';
import { TUPLES_IN_RANGES_SH } from './runner/load-script.ts';
import { indexOfDir } from './scan.ts';
import { chunkRanges, formatRanges, type IndexRange } from './staging.ts';
import { screenTarEntry, storeTarEntries } from './store-tar.ts';
import type { Transport } from './transport.ts';

/** Run indexes written at once (small objects: a few KiB each). */
const INDEXES_IN_FLIGHT = 8;

/** Always collected, whatever the globs say: the run's records and its metrics. */
export const ALWAYS_COLLECTED = [
  'metrics.json',
  '.tuplet/started',
  '.tuplet/ended',
  '.tuplet/exit',
  '.tuplet/reason',
  '.tuplet/attempt',
  '.tuplet/stdout',
  '.tuplet/stderr',
];

/**
 * bash -c … tuplet-collect SERIES_DIR RANGES: `tar -c` of the run directories of the
 * tuples in RANGES (looked up in tuples.tsv), relative to `runs/`, on stdout.
 */
export function collectCommand(seriesDir: string, ranges: readonly IndexRange[]): string[] {
  const script = `${TUPLES_IN_RANGES_SH}
cd "$1/runs" || exit 1
tuples_in_ranges "$2" <../tuples.tsv | cut -f 2 | tar -c -f - --ignore-failed-read --warning=no-failed-read --exclude='.tuplet/claim-*' --exclude='*.tmp.*' --verbatim-files-from -T - 2>/dev/null
exit 0`;
  return ['bash', '-c', script, 'tuplet-collect', seriesDir, formatRanges(ranges)];
}

/** A predicate over paths relative to a run directory: the globs, or everything. */
export function collectMatcher(globs: readonly string[] | undefined): (relativePath: string) => boolean {
  const wanted = globs && globs.length > 0 ? picomatch([...globs], { dot: true }) : () => true;
  const always = new Set(ALWAYS_COLLECTED);
  return (relativePath) => always.has(relativePath) || wanted(relativePath);
}

export interface CollectOptions {
  seriesId: string;
  collect?: readonly string[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ChunkCollectResult extends CollectResult {
  /** Entries refused (outside their run directory, links, not of this chunk). */
  refused: string[];
}

/**
 * Brings the chunk's outputs into storage under `<seriesId>/runs/<dir>/…` (given a directory:
 * the disk below it), streamed from the host's tar straight into it, with each run's file
 * index (files/storage/layout.ts runIndexKey).
 */
export async function collectChunk(
  transport: Transport,
  seriesDir: string,
  chunk: Pick<ChunkSpec, 'offset' | 'length' | 'ranges'>,
  storageRoot: string | Storage,
  options: CollectOptions,
): Promise<ChunkCollectResult> {
  if (!isSafeComponent(options.seriesId))
    throw new Error(`unsafe series id ${JSON.stringify(options.seriesId)}`);
  const storage = typeof storageRoot === 'string' ? new DiskStorage(storageRoot) : storageRoot;
  const storageDir =
    typeof storageRoot === 'string'
      ? path.join(storageRoot, options.seriesId, 'runs')
      : `${storageRoot.description} ${runsPrefix(options.seriesId)}`;
  const ranges = chunkRanges(chunk);
  const argv = collectCommand(seriesDir, ranges);
  const running = transport.execStream(argv, { signal: options.signal, timeoutMs: options.timeoutMs });
  let stored: Omit<ChunkCollectResult, 'storageDir'>;
  try {
    stored = await storeRunOutputs(running.stdout, storage, options.seriesId, ranges, options.collect);
  } catch (error) {
    const finished = await running.done.catch(() => undefined);
    if (finished && finished.code !== 0) {
      throw new CommandFailedError(transport.label, describeCommand(argv), finished.code, finished.stderr);
    }
    throw error;
  }
  const { code, stderr } = await running.done;
  if (code !== 0) throw new CommandFailedError(transport.label, describeCommand(argv), code, stderr);
  return { storageDir, ...stored };
}

/**
 * Which entries of a chunk's tar stream are kept: files (and, for extraction, directories) of
 * the chunk's own run directories that the globs select. Refused, and listed: entries that
 * are links, other kinds, or would land outside a run directory of the chunk.
 */
function entryJudge(ranges: readonly IndexRange[], collect?: readonly string[]) {
  // A run directory of this chunk: one safe name whose index prefix lies in the chunk.
  const ofChunk = (dir: string): boolean => {
    const index = indexOfDir(dir);
    return (
      isSafeComponent(dir) &&
      index !== undefined &&
      ranges.some(([start, stop]) => start <= index && index < stop)
    );
  };
  const keep = collectMatcher(collect);
  const seenRuns = new Set<string>();
  const refused: string[] = [];
  let bytes = 0;
  return {
    admits(entryPath: string, entry: { type?: string; size?: number } | object): boolean {
      const screened = screenTarEntry(entryPath, entry, (safe) => ofChunk(safe.split('/')[0]!), refused);
      if (!screened) return false;
      if (screened.directory) return true;
      const [runDir, ...rest] = screened.safePath.split('/');
      if (!keep(rest.join('/'))) return false;
      seenRuns.add(runDir!);
      bytes += 'size' in entry && typeof entry.size === 'number' ? entry.size : 0;
      return true;
    },
    result: () => ({ runs: seenRuns.size, bytes, refused }),
  };
}

/**
 * Stores a tar stream of run directories (names relative to `runs/`) under
 * `<seriesId>/runs/<dir>/…`, keeping files of the chunk's runs that the globs select, one at a
 * time as they arrive; entries that are links or would land outside a run directory of the
 * chunk are refused. Then each run's file index (path, size, sha256, taken while streaming) is
 * stored beside, for the control worker's index to read instead of the objects.
 */
export async function storeRunOutputs(
  tarStream: Readable,
  storage: Storage,
  seriesId: string,
  ranges: readonly IndexRange[],
  collect?: readonly string[],
): Promise<{ runs: number; bytes: number; refused: string[] }> {
  const judge = entryJudge(ranges, collect);
  const stored = await storeTarEntries(tarStream, storage, {
    admits: (entryPath, entry) => judge.admits(entryPath, entry),
    keyOf: (entryPath) => `${runsPrefix(seriesId)}/${safeRelativePath(entryPath)!}`,
  });
  const byRun = new Map<string, RunIndexEntry[]>();
  for (const file of stored) {
    const [runDir, ...rest] = safeRelativePath(file.path)!.split('/');
    const entries = byRun.get(runDir!) ?? [];
    entries.push({ path: rest.join('/'), size: file.size, sha256: file.sha256 });
    byRun.set(runDir!, entries);
  }
  // A few at a time: one PUT after another cost a round trip per run.
  const written = inOrderAhead(byRun, INDEXES_IN_FLIGHT, ([runDir, entries]) =>
    writeRunIndex(storage, seriesId, runDir, entries),
  );
  for await (const _ of written);
  return judge.result();
}
