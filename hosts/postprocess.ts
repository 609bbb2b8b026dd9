// Series post-processing: the application's `postprocess` command, run in the series directory
// on the host after the runs (where setup runs: the login node of a cluster), reading
// `runs.tsv` (index, dir, state, exit code of every run), writing into `postprocess/`. What it
// writes there comes back like a run's outputs: one `tar -c` stream, stored (disk or S3) under
// `<seriesId>/postprocess/`, refusing links and anything outside that folder.
import { Readable } from 'node:stream';
import { POSTPROCESS_DIR, RUNS_FILE } from '../core/postprocess.ts';
import { DiskStorage } from '../files/storage/disk.ts';
import { postprocessLogKey, postprocessPrefix } from '../files/storage/layout.ts';
import type { Storage } from '../files/storage/types.ts';
import { CommandFailedError, HostInputError, describeCommand } from './errors.ts';
import { isSafeComponent, safeRelativePath } from './paths.ts';
import type { HostSpec, PostprocessResult, SeriesSpec } from './executor.ts';
import { adminEnvironment, cleanEnvCommand } from './runner/environment.ts';
import { screenTarEntry, storeTarEntries } from './store-tar.ts';
import type { Transport } from './transport.ts';

/**
 * bash -c … tuplet-postprocess SERIES_DIR COMMAND: writes runs.tsv from tuples.tsv and each
 * run's records (`.tuplet/exit`: succeeded on 0, failed otherwise; none: `not-ended`), empties
 * `postprocess/`, runs COMMAND there with bash, prints the tail of its output, exits with its code.
 */
export function postprocessCommand(seriesDir: string, command: string): string[] {
  const script = `cd "$1" || exit 1
{
  printf 'index\\tdir\\tstate\\texit_code\\n'
  while IFS=$'\\t' read -r index dir; do
    code=''; state=not-ended
    if [ -f "runs/$dir/.tuplet/exit" ]; then
      code=$(head -c 16 "runs/$dir/.tuplet/exit" | tr -dc '0-9-')
      if [ "$code" = 0 ]; then state=succeeded; else state=failed; fi
    fi
    printf '%s\\t%s\\t%s\\t%s\\n' "$index" "$dir" "$state" "$code"
  done <tuples.tsv
} >${RUNS_FILE}.partial && mv -f ${RUNS_FILE}.partial ${RUNS_FILE} || exit 1
rm -rf -- ${POSTPROCESS_DIR} && mkdir -p ${POSTPROCESS_DIR} .tuplet || exit 1
bash -c "$2" >.tuplet/postprocess.log 2>&1 </dev/null
code=$?
tail -c 4000 .tuplet/postprocess.log
exit "$code"`;
  return ['bash', '-c', script, 'tuplet-postprocess', seriesDir, command];
}

/** `tar -c` of the series directory's `postprocess/` on stdout (nothing when it is gone). */
export function postprocessCollectCommand(seriesDir: string): string[] {
  const script = `cd "$1" || exit 1
[ -d ${POSTPROCESS_DIR} ] || exit 0
exec tar -c -f - --exclude='*.tmp.*' ${POSTPROCESS_DIR}`;
  return ['bash', '-c', script, 'tuplet-postprocess-collect', seriesDir];
}

export interface RunPostprocessOptions {
  seriesId: string;
  command: string;
  /** The allowlisted environment and the admin's variables, as runs and setup see them. */
  env: Readonly<Record<string, string>>;
  /** Where the outputs go (a directory: the disk below it). */
  storageRoot: string | Storage;
  signal?: AbortSignal;
}

/** Runs the command, then brings `postprocess/` back (whatever its exit code: a failure's partial outputs help). */
export async function runPostprocess(
  transport: Transport,
  seriesDir: string,
  options: RunPostprocessOptions,
): Promise<PostprocessResult> {
  if (!isSafeComponent(options.seriesId))
    throw new Error(`unsafe series id ${JSON.stringify(options.seriesId)}`);
  const { signal } = options;
  const ran = await transport.exec(
    cleanEnvCommand(options.env, postprocessCommand(seriesDir, options.command)),
    { signal },
  );
  const storage =
    typeof options.storageRoot === 'string' ? new DiskStorage(options.storageRoot) : options.storageRoot;
  await storage.put(postprocessLogKey(options.seriesId), Readable.from([ran.stdout]));
  const collected = await collectPostprocess(transport, seriesDir, storage, options.seriesId, signal);
  return { exitCode: ran.code, outputTail: ran.stdout, ...collected };
}

/** The executors' step: the series' command with the environment its runs get. */
export function postprocessSeries(
  transport: Transport,
  seriesDir: string,
  series: SeriesSpec,
  host: HostSpec,
  storageRoot: string | Storage,
  signal?: AbortSignal,
): Promise<PostprocessResult> {
  if (!series.postprocess) throw new HostInputError(`series ${series.seriesId} has no postprocess command`);
  return runPostprocess(transport, seriesDir, {
    seriesId: series.seriesId,
    command: series.postprocess,
    env: adminEnvironment(series, host),
    storageRoot,
    ...(signal ? { signal } : {}),
  });
}

async function collectPostprocess(
  transport: Transport,
  seriesDir: string,
  storage: Storage,
  seriesId: string,
  signal: AbortSignal | undefined,
): Promise<Pick<PostprocessResult, 'files' | 'bytes' | 'refused'>> {
  // The previous outputs go: what the page shows is what the last run of the command wrote.
  for await (const { key } of storage.list(postprocessPrefix(seriesId))) await storage.delete(key);
  const argv = postprocessCollectCommand(seriesDir);
  const running = transport.execStream(argv, { signal });
  const refused: string[] = [];
  const stored = await storeTarEntries(running.stdout, storage, {
    admits: (entryPath, entry) =>
      screenTarEntry(
        entryPath,
        entry,
        (safe) => safe === POSTPROCESS_DIR || safe.startsWith(`${POSTPROCESS_DIR}/`),
        refused,
      ) !== undefined,
    keyOf: (entryPath) => `${seriesId}/${safeRelativePath(entryPath)!}`,
  }).catch((error: unknown) => error);
  // A failed `tar -c` explains a broken stream better than the stream's own error.
  const { code, stderr } = await running.done;
  if (code !== 0) throw new CommandFailedError(transport.label, describeCommand(argv), code, stderr);
  if (!Array.isArray(stored)) throw stored;
  return { files: stored.length, bytes: stored.reduce((sum, f) => sum + f.size, 0), refused };
}
