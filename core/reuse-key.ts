// The reuse key of a series (docs/reuse.md): what makes a run of one series interchangeable
// with the run of the same tuple in another — the same application version, the same input
// package, the same datasets, the same host and equivalent resources — as one sha256 over a
// canonical JSON.
// Two series with the same key may take each other's succeeded runs instead of running them
// again. Pure: the caller hashes the package file and passes the series' own snapshot.
import { createHash } from 'node:crypto';

/**
 * What of an application decides what a run computes and what is kept of it: the command and
 * its config file, setup, environment, input rendering, what is collected and where metrics come
 * from. Left out on purpose: the parameter schema (it only refuses values before launch), the
 * post-processing step (it runs after the runs, on the series) and the description.
 */
export interface ReusableApplication {
  name: string;
  command: string;
  configFile: string;
  // Null and absent alike: an application's row has nulls where its snapshot leaves fields out.
  setup?: string | null | undefined;
  env?: Record<string, string> | null | undefined;
  input?: unknown;
  collect?: readonly string[] | null | undefined;
  metricSources?: unknown;
}

/** The resources a series asks for (hosts/executor.ts Resources has this shape). */
export interface ReusableResources {
  partition?: string | undefined;
  time?: string | undefined;
  cpus?: number | undefined;
  gpus?: number | undefined;
  memory?: string | undefined;
  account?: string | undefined;
  qos?: string | undefined;
  extra?: readonly string[] | undefined;
}

/** A dataset version a series' runs read (api/datasets/use.ts ChosenDataset has this shape). */
export interface ReusableDataset {
  name: string;
  version: number;
  /** Where each run sees it, relative to the run directory. */
  mountPath: string;
  /** What the version holds: `upload:<manifest sha256>` or `host:<host>:<path>`. */
  identity: string;
}

export interface ReuseKeyInput {
  application: ReusableApplication;
  host: string;
  /** sha256 (hex) of the uploaded input package; null without one. */
  packageSha256: string | null;
  resources: ReusableResources;
  /** The datasets its runs read; none (or absent) leaves the key as it was before datasets. */
  datasets?: readonly ReusableDataset[] | undefined;
}

/** Bumped whenever what goes into the key changes, so keys of the old formula never match. */
const FORMULA = 1;

export function reuseKeyOf(input: ReuseKeyInput): string {
  const app = input.application;
  const canonical = {
    formula: FORMULA,
    application: {
      name: app.name,
      command: app.command,
      configFile: app.configFile,
      setup: app.setup ?? null,
      env: app.env ?? {},
      input: app.input ?? null,
      // A glob's order changes nothing of what is collected.
      collect: [...new Set(app.collect ?? [])].sort(),
      metricSources: app.metricSources ?? [],
    },
    host: input.host,
    package: input.packageSha256,
    resources: normalResources(input.resources),
    // Absent, not empty, without datasets: canonicalJson drops undefined fields, so the keys of
    // series from before datasets (stored in series.reuse_key) still match their resubmissions.
    datasets: normalDatasets(input.datasets ?? []),
  };
  return createHash('sha256').update(canonicalJson(canonical)).digest('hex');
}

/**
 * Resources as what they give the run, so equivalent spellings match: an empty field or zero GPUs
 * is no request, memory in KiB (`4G` = `4096M` = `4096`, SLURM's unit being M), extra directives
 * trimmed, `--opt value` as `--opt=value`, in sorted order. Left out: the time limit, account
 * and QOS, which decide when and on whose budget a run goes, not what it computes — a run that
 * succeeded finished within its limit whatever the limit was.
 */
export function normalResources(resources: ReusableResources): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const partition = resources.partition?.trim();
  if (partition) out.partition = partition;
  if (resources.cpus !== undefined) out.cpus = resources.cpus;
  if (resources.gpus !== undefined && resources.gpus !== 0) out.gpus = resources.gpus;
  const memory = memoryKiB(resources.memory);
  if (memory !== undefined) out.memoryKiB = memory;
  const extra = [...new Set((resources.extra ?? []).map(normalDirective).filter(Boolean))].sort();
  if (extra.length > 0) out.extra = extra;
  return out;
}

const UNIT_KIB: Record<string, number> = { K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3 };

/** `4G` → 4194304; a spelling this does not know is kept as written (it matches only itself). */
function memoryKiB(memory: string | undefined): number | string | undefined {
  const text = memory?.trim().toUpperCase();
  if (!text) return undefined;
  const match = /^(\d+)([KMGT]?)B?$/.exec(text);
  if (!match) return text;
  return Number(match[1]) * UNIT_KIB[match[2] || 'M']!;
}

function normalDirective(directive: string): string {
  const text = directive.trim().replace(/\s+/g, ' ');
  return text.replace(/^(--[A-Za-z][\w-]*) (?!-)/, '$1=');
}

/**
 * Every part of a dataset counts: its content (a v2 with other files computes other results), and
 * its name, version and mount path too — a program may read any of them (the path it opens, the
 * link's target). In mount-path order: the order a request lists them in changes nothing.
 */
function normalDatasets(datasets: readonly ReusableDataset[]): ReusableDataset[] | undefined {
  if (datasets.length === 0) return undefined;
  return [...datasets]
    .sort((a, b) => (a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0))
    .map(({ name, version, mountPath, identity }) => ({ name, version, mountPath, identity }));
}

/** JSON with every object's keys sorted, at every depth: one text for one value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)]));
}
