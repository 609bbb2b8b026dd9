// Importing a series archive (POST /series/import): the uploaded file is read entry by entry
// through the package reader (hosts/package.ts: links, devices, paths leaving the directory,
// compression bombs and oversized archives are refused there, naming the entry), its
// manifest.json checked field by field (manifest.ts), each file checked against the manifest
// (listed, same size, same sha256) as it streams into storage, and only then is the series
// recorded, finished, under a new id and the importer's account. Nothing of a refused archive
// stays. An imported series never runs: its workflow id marks it (core/imported.ts).
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import type { ZodError } from 'zod';
import { importedWorkflowId } from '../../core/imported.ts';
import type { FileEntry } from '../../db/files.ts';
import { newId } from '../../db/ids.ts';
import { insertImportedSeries } from '../../db/series-import.ts';
import { removeSeriesFiles } from '../../files/storage/layout.ts';
import type { Storage } from '../../files/storage/types.ts';
import { PackageError } from '../../hosts/errors.ts';
import { packageEntries } from '../../hosts/package.ts';
import type { TarEntry } from '../../hosts/tar-pack.ts';
import { parseSweep } from '../../sweep/index.ts';
import type { AuthUser } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  FILES_FOLDER,
  MANIFEST_ENTRY,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_FILES,
  ManifestSchema,
  type Manifest,
  type ManifestFile,
} from './manifest.ts';

export interface ImportLimits {
  /** Bytes the archive may unpack to. */
  maxBytes: number;
  /** The largest sweep this Tuplet expands (config.maxTuples). */
  maxTuples: number;
}

export interface ImportedSeries {
  id: string;
  sourceId: string;
  runs: number;
  files: number;
}

const refused = (message: string) => new ApiError(400, 'invalid_archive', message);

/** At most this many field problems are named; the rest are counted. */
const NAMED_ISSUES = 10;

function manifestRefusal(error: ZodError): ApiError {
  const issues = error.issues.map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`);
  const more = issues.length > NAMED_ISSUES ? `; and ${issues.length - NAMED_ISSUES} more` : '';
  return refused(`${MANIFEST_ENTRY}: ${issues.slice(0, NAMED_ISSUES).join('; ')}${more}`);
}

async function readManifest(entry: TarEntry): Promise<Manifest> {
  if ((entry.size ?? 0) > MAX_MANIFEST_BYTES)
    throw refused(
      `archive entry ${MANIFEST_ENTRY} is ${entry.size} bytes, more than the ${MAX_MANIFEST_BYTES} read`,
    );
  const parts: Buffer[] = [];
  for await (const part of await entry.open!()) parts.push(Buffer.from(part));
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (error) {
    throw refused(`${MANIFEST_ENTRY}: not JSON (${(error as Error).message})`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw manifestRefusal(parsed.error);
  return parsed.data;
}

/** The INI must be a sweep this Tuplet reads, of the count the manifest says (pages parse it). */
function checkSweep(manifest: Manifest, maxTuples: number): void {
  const { ini, count } = manifest.series;
  let tuples: bigint;
  try {
    tuples = parseSweep(ini, { maxTuples: Math.max(maxTuples, count) }).count;
  } catch (error) {
    throw refused(`${MANIFEST_ENTRY}: series.ini: ${(error as Error).message}`);
  }
  if (tuples !== BigInt(count))
    throw refused(`${MANIFEST_ENTRY}: series.count: ${count}, but series.ini expands to ${tuples} tuples`);
}

/** Streams one file into storage, checking its size and sha256 against the manifest. */
async function storeFile(
  storage: Storage,
  key: string,
  entry: TarEntry,
  expected: ManifestFile,
): Promise<void> {
  const name = JSON.stringify(entry.path);
  if (entry.size !== expected.size)
    throw refused(`archive entry ${name} is ${entry.size} bytes; the manifest says ${expected.size}`);
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // pipeline: an error of the entry's stream reaches the write instead of leaving it waiting.
  await storage.put(
    key,
    pipeline(Readable.from(await entry.open!()), hashing, () => {}),
  );
  const sha256 = hash.digest('hex');
  if (sha256 !== expected.sha256)
    throw refused(`archive entry ${name} has sha256 ${sha256}; the manifest says ${expected.sha256}`);
}

/** The package reader's refusals, worded for an archive. */
function archiveError(error: PackageError): ApiError {
  return refused(
    error.message.replace(/^package entry/, 'archive entry').replace(/\bthe package\b/g, 'the archive'),
  );
}

/**
 * Reads the archive at `file` into a new series owned by `owner`; an ApiError (400
 * invalid_archive) names the entry or manifest field that is refused.
 */
export async function importSeriesArchive(
  file: string,
  owner: AuthUser,
  deps: { db: Parameters<typeof insertImportedSeries>[0]; storage: Storage },
  limits: ImportLimits,
): Promise<ImportedSeries> {
  const id = newId();
  let manifest: Manifest | undefined;
  let expected = new Map<string, ManifestFile>();
  const received = new Set<string>();
  try {
    const entries = packageEntries(file, {
      maxBytes: limits.maxBytes,
      maxEntries: MAX_MANIFEST_FILES + 1000,
    });
    for await (const entry of entries) {
      if (entry.type === 'Directory') continue;
      const name = JSON.stringify(entry.path);
      if (!manifest) {
        if (entry.path !== MANIFEST_ENTRY)
          throw refused(`archive entry ${name} comes before ${MANIFEST_ENTRY}, which must be the first file`);
        manifest = await readManifest(entry);
        checkSweep(manifest, limits.maxTuples);
        expected = new Map(manifest.files.map((f) => [f.path, f]));
        continue;
      }
      const stored = entry.path.startsWith(`${FILES_FOLDER}/`)
        ? entry.path.slice(FILES_FOLDER.length + 1)
        : '';
      const listed = expected.get(stored);
      if (!listed) throw refused(`archive entry ${name} is not a file the manifest lists`);
      if (received.has(stored)) throw refused(`archive entry ${name} appears twice`);
      received.add(stored);
      await storeFile(deps.storage, `${id}/${stored}`, entry, listed);
    }
    if (!manifest) throw refused(`the archive holds no ${MANIFEST_ENTRY}`);
    const missing = manifest.files.find((f) => !received.has(f.path));
    if (missing)
      throw refused(`${MANIFEST_ENTRY} lists ${JSON.stringify(missing.path)}, which the archive lacks`);
    await record(deps.db, id, owner, manifest);
  } catch (error) {
    await removeSeriesFiles(deps.storage, id);
    if (error instanceof PackageError) throw archiveError(error);
    throw error;
  }
  return { id, sourceId: manifest.series.id, runs: manifest.runs.length, files: manifest.files.length };
}

async function record(
  db: Parameters<typeof insertImportedSeries>[0],
  id: string,
  owner: AuthUser,
  manifest: Manifest,
): Promise<void> {
  const s = manifest.series;
  const date = (text: string | null) => (text === null ? null : new Date(text));
  const files: FileEntry[] = manifest.files.map((f) => ({
    runIndex: f.run,
    path: f.path,
    size: f.size,
    sha256: f.sha256,
  }));
  await insertImportedSeries(
    db,
    {
      id,
      ownerId: owner.id,
      application: s.application,
      applicationSnapshot: s.applicationSnapshot,
      host: s.host,
      ini: s.ini,
      resources: s.resources,
      description: s.description,
      tags: s.tags,
      count: s.count,
      state: s.state,
      reason: s.reason,
      workflowId: importedWorkflowId(id),
      attempt: s.attempt,
      // Private to the importer (and admins) until they choose otherwise; never offered for reuse.
      groupId: null,
      visibility: 'group',
      reuseKey: null,
      createdAt: new Date(s.createdAt),
      startedAt: date(s.startedAt),
      finishedAt: date(s.finishedAt),
    },
    manifest.runs,
    files,
  );
}
