// What an own-code series' package must hold (docs/own-code.md), read once before the series is
// stored: `code.py` at its top, or a manifest `tuplet.json` naming a command; the requirements
// from `requirements.txt`, else from `pyproject.toml`'s [project] dependencies. Each refusal is
// a 422 `invalid_own_code` naming the file, and the key or line.
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { hasControlCharacters } from '../core/text.ts';
import { OWN_CODE_ENTRY } from '../hosts/own-code.ts';
import { packageEntries } from '../hosts/package.ts';
import { ApiError } from './errors.ts';

export const MANIFEST = 'tuplet.json';
const REQUIREMENTS = 'requirements.txt';
const PYPROJECT = 'pyproject.toml';
/** The files read whole; anything larger is not a manifest or a list of requirements. */
const MAX_READ_BYTES = 64 * 1024;
const MAX_REQUIREMENTS = 200;
const MAX_REQUIREMENT_LENGTH = 500;

export interface OwnCodePackage {
  /** The manifest's command, if any (else `python code.py <config>`). */
  command?: string;
  python: string;
  requirements: string[];
}

const refusal = (message: string, extra: Record<string, unknown> = {}) =>
  new ApiError(422, 'invalid_own_code', message, { field: 'package', ...extra });

/** Single-line shell text: the package's code runs anyway; a newline would break the appended arguments. */
const ManifestSchema = z
  .object({
    command: z
      .string()
      .min(1)
      .max(1000)
      .refine((s) => !hasControlCharacters(s), 'one line, without control characters'),
    python: z
      .string()
      .regex(/^python3(\.[0-9]{1,2})?$/, 'an interpreter name: python3 or python3.N (e.g. python3.11)'),
  })
  .partial()
  .strict();

/** The manifest, checked: unknown keys and wrong types are named. */
export function parseManifest(text: string): z.infer<typeof ManifestSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw refusal(`${MANIFEST}: not JSON (${(error as Error).message})`, { file: MANIFEST });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${key} (known: command, python)`
      : `${key || 'the manifest'}: ${issue.message}`;
  throw refusal(`${MANIFEST}: ${message}`, { file: MANIFEST, key });
}

const NAME = String.raw`[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`;
const VERSION = String.raw`(?:~=|===?|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+`;
/** PEP 508 without direct references: name, extras, version specifiers, an environment marker. */
const REQUIREMENT = new RegExp(
  String.raw`^${NAME}(?:\s*\[\s*${NAME}(?:\s*,\s*${NAME})*\s*\])?` +
    String.raw`(?:\s*\(?\s*${VERSION}(?:\s*,\s*${VERSION})*\s*\)?)?` +
    String.raw`(?:\s*;\s*[A-Za-z0-9_.\s'"()<>=!~,-]+)?` +
    String.raw`(?:\s+--hash=[a-z0-9]+:[A-Fa-f0-9]+)*$`,
);

/**
 * Why a requirement is refused, or undefined. Refused: pip's options (`-e`, `-r`, `-c`,
 * `--index-url`, `--find-links`…: paths on the host or an index the admin did not choose),
 * paths and URLs (`./x`, `/x`, `file:`, `name @ https://…`, `git+…`), `${VAR}` (pip expands
 * the build's environment), line continuations.
 */
export function requirementProblem(line: string): string | undefined {
  if (line.length > MAX_REQUIREMENT_LENGTH) return `longer than ${MAX_REQUIREMENT_LENGTH} characters`;
  if (line.startsWith('-'))
    return 'pip options are not accepted (-e, -r, -c, --index-url, --find-links… name paths on the host or another index than the admin chose)';
  if (line.includes('$')) return 'environment variables (${…}) are not accepted';
  if (line.endsWith('\\')) return 'line continuations are not accepted';
  if (/^[./~]|:\/\/|\bfile:|@/.test(line))
    return 'paths and URLs are not accepted: name a package of the index (e.g. six==1.17.0)';
  if (!REQUIREMENT.test(line))
    return 'not a requirement: a package name, optional [extras], version specifiers and a ; marker';
  return undefined;
}

/** pip's comment rule: `#` at the start or after whitespace; blank lines dropped. */
function requirementLines(text: string): Array<{ line: number; text: string }> {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.replace(/(^|\s)#.*$/, '').trim() }))
    .filter((l) => l.text !== '');
}

function checkedRequirements(entries: Array<{ where: string; text: string; line?: number }>): string[] {
  if (entries.length > MAX_REQUIREMENTS)
    throw refusal(`at most ${MAX_REQUIREMENTS} requirements, got ${entries.length}`);
  for (const { where, text, line } of entries) {
    const problem = requirementProblem(text);
    if (problem)
      throw refusal(`${where}: ${JSON.stringify(text)}: ${problem}`, {
        file: where.split(/[: ]/)[0],
        ...(line ? { line } : {}),
      });
  }
  return entries.map((e) => e.text);
}

function pyprojectRequirements(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw refusal(`${PYPROJECT}: not TOML (${(error as Error).message.split('\n')[0]})`, { file: PYPROJECT });
  }
  const project = doc['project'] as Record<string, unknown> | undefined;
  const deps = project?.['dependencies'];
  if (deps === undefined) return [];
  if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string'))
    throw refusal(`${PYPROJECT}: project.dependencies must be an array of strings`, { file: PYPROJECT });
  return checkedRequirements(
    (deps as string[]).map((d, i) => ({ where: `${PYPROJECT}: project.dependencies[${i}]`, text: d.trim() })),
  );
}

/** The files of interest at the package's top: whether code.py is there, the others' text. */
async function readTopFiles(file: string): Promise<{ hasEntry: boolean; texts: Map<string, string> }> {
  const wanted = new Set([MANIFEST, REQUIREMENTS, PYPROJECT]);
  const texts = new Map<string, string>();
  let hasEntry = false;
  for await (const entry of packageEntries(file)) {
    if ((entry.type ?? 'File') !== 'File') continue;
    if (entry.path === OWN_CODE_ENTRY) hasEntry = true;
    if (!wanted.has(entry.path)) continue;
    if ((entry.size ?? 0) > MAX_READ_BYTES)
      throw refusal(`${entry.path}: ${entry.size} bytes, more than ${MAX_READ_BYTES}`, { file: entry.path });
    const chunks: Buffer[] = [];
    if (entry.data !== undefined) chunks.push(Buffer.from(entry.data));
    else for await (const chunk of await entry.open!()) chunks.push(Buffer.from(chunk as Uint8Array));
    texts.set(entry.path, Buffer.concat(chunks).toString('utf8'));
  }
  return { hasEntry, texts };
}

/** The package's program and requirements, checked; throws a 422 naming what is wrong or missing. */
export async function readOwnCodePackage(file: string): Promise<OwnCodePackage> {
  const { hasEntry, texts } = await readTopFiles(file);
  const manifestText = texts.get(MANIFEST);
  const manifest = manifestText === undefined ? {} : parseManifest(manifestText);
  if (!manifest.command && !hasEntry) {
    throw refusal(
      `the package has no ${OWN_CODE_ENTRY} at its top${manifestText === undefined ? ` and no ${MANIFEST}` : ''}` +
        `: an own-code series runs ${OWN_CODE_ENTRY} (or the command of ${MANIFEST})`,
      { missing: OWN_CODE_ENTRY },
    );
  }
  const requirementsText = texts.get(REQUIREMENTS);
  const pyproject = texts.get(PYPROJECT);
  const requirements =
    requirementsText !== undefined
      ? checkedRequirements(
          requirementLines(requirementsText).map(({ line, text }) => ({
            where: `${REQUIREMENTS} line ${line}`,
            text,
            line,
          })),
        )
      : pyproject !== undefined
        ? pyprojectRequirements(pyproject)
        : [];
  return {
    ...(manifest.command ? { command: manifest.command } : {}),
    python: manifest.python ?? 'python3',
    requirements,
  };
}
