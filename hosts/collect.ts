// Collect: the outputs of a chunk's runs come back from the host as one tar stream
// (`tar -c` of the chunk's run directories, one exec channel) and are unpacked into
// `<storageRoot>/<seriesId>/runs/<dir>/…`, keeping only what the application's `collect`
// globs name (plus the run's own records) and refusing any entry that would land outside
// its run directory: absolute paths, `..`, links, or a directory not of this chunk.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import picomatch from 'picomatch';
import { Parser, extract } from 'tar';
import type { Storage } from '../files/storage/types.ts';
import { CommandFailedError, describeCommand } from './errors.ts';
import type { ChunkSpec, CollectResult } from './executor.ts';
import { isPlainFileType } from './package-tar.ts';
import { isSafeComponent, safeRelativePath } from './paths.ts';
import { TUPLES_IN_RANGES_SH } from './runner/load-script.ts';
import { indexOfDir } from './scan.ts';
import { chunkRanges, formatRanges, type IndexRange } from './staging.ts';
import type { Transport } from './transport.ts';

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
 * Brings the chunk's outputs into `<storageRoot>/<seriesId>/runs/`, or, given a Storage (S3),
 * under the keys `<seriesId>/runs/…`, streamed from the host's tar straight into it.
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
  const keyPrefix = `${options.seriesId}/runs`;
  const storageDir =
    typeof storageRoot === 'string'
      ? path.join(storageRoot, options.seriesId, 'runs')
      : `${storageRoot.description} ${keyPrefix}`;
  const ranges = chunkRanges(chunk);
  const argv = collectCommand(seriesDir, ranges);
  const running = transport.execStream(argv, { signal: options.signal, timeoutMs: options.timeoutMs });
  let extracted: Omit<ChunkCollectResult, 'storageDir'>;
  try {
    extracted =
      typeof storageRoot === 'string'
        ? await extractRunOutputs(running.stdout, storageDir, ranges, options.collect)
        : await storeRunOutputs(running.stdout, storageRoot, keyPrefix, ranges, options.collect);
  } catch (error) {
    const finished = await running.done.catch(() => undefined);
    if (finished && finished.code !== 0) {
      throw new CommandFailedError(transport.label, describeCommand(argv), finished.code, finished.stderr);
    }
    throw error;
  }
  const { code, stderr } = await running.done;
  if (code !== 0) throw new CommandFailedError(transport.label, describeCommand(argv), code, stderr);
  return { storageDir, ...extracted };
}

/**
 * Unpacks a tar stream of run directories (names relative to `runs/`) into `storageDir`,
 * keeping files of the chunk's runs that the globs select; everything else is skipped, and
 * entries that are links or would land outside a run directory of the chunk are refused.
 */
export async function extractRunOutputs(
  tarStream: Readable,
  storageDir: string,
  ranges: readonly IndexRange[],
  collect?: readonly string[],
): Promise<{ runs: number; bytes: number; refused: string[] }> {
  await mkdir(storageDir, { recursive: true });
  const judge = entryJudge(ranges, collect);
  const unpack = extract({
    cwd: storageDir,
    strict: false,
    preserveOwner: false,
    // Checked here, and again by node-tar (it refuses `..`, absolute paths and writing through links).
    filter: (entryPath, entry) => judge.admits(entryPath, entry),
  });
  await pipeline(tarStream, unpack);
  return judge.result();
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
      const type = 'type' in entry ? entry.type : undefined;
      const safe = safeRelativePath(entryPath);
      const [runDir, ...rest] = safe?.split('/') ?? [];
      if (safe === undefined || runDir === undefined || !ofChunk(runDir)) {
        refused.push(entryPath);
        return false;
      }
      if (type === 'Directory') return true;
      if (!isPlainFileType(type)) {
        refused.push(entryPath);
        return false;
      }
      if (!keep(rest.join('/'))) return false;
      seenRuns.add(runDir);
      bytes += 'size' in entry && typeof entry.size === 'number' ? entry.size : 0;
      return true;
    },
    result: () => ({ runs: seenRuns.size, bytes, refused }),
  };
}

/**
 * Like extractRunOutputs, into a Storage (S3): each kept file of the tar stream is put under
 * `keyPrefix/<run dir>/<path>` as it arrives, one at a time, so that memory holds a part of
 * one file at most, whatever the chunk's size (the tar parser waits while an entry is unread).
 */
export async function storeRunOutputs(
  tarStream: Readable,
  storage: Storage,
  keyPrefix: string,
  ranges: readonly IndexRange[],
  collect?: readonly string[],
): Promise<{ runs: number; bytes: number; refused: string[] }> {
  const judge = entryJudge(ranges, collect);
  let stored: Promise<unknown> = Promise.resolve();
  let failure: unknown;
  const parser = new Parser({
    strict: false,
    noResume: true,
    filter: (entryPath, entry) => judge.admits(entryPath, entry),
    onReadEntry(entry) {
      if (entry.type === 'Directory' || failure !== undefined) {
        entry.resume();
        return;
      }
      const key = `${keyPrefix}/${safeRelativePath(entry.path)!}`;
      stored = stored
        .then(() => storage.put(key, Readable.from(entry)))
        .catch((error: unknown) => {
          failure ??= error;
          entry.resume();
          tarStream.destroy(error as Error);
        });
    },
  });
  await pipeline(tarStream, parser).catch((error: unknown) => {
    throw failure ?? error;
  });
  await stored;
  if (failure !== undefined) throw failure;
  return judge.result();
}
