// Metrics an application declares over a run's output (ApplicationSnapshot.metricSources): a
// regular expression over stdout, or the last row of a CSV file. A run's output is untrusted,
// so every read is bounded: only the tail of stdout and the head and tail of a CSV are read,
// over-long lines are skipped, numbers only, at most MAX_DECLARED_METRICS per run. The
// patterns are an admin's, but a careless one (`(a+)+$`) meets a member's output here: they
// run inside a vm context with a time budget, which interrupts a backtracking regex.
import vm from 'node:vm';
import type { ApplicationSnapshot } from '../../db/applications.ts';
import { safeRelativePath } from '../../hosts/paths.ts';

export const METRIC_SOURCE_LIMITS = {
  /** The end of stdout that is searched (final values are printed last). */
  stdoutTailBytes: 256 * 1024,
  /** Longer lines (of stdout or a CSV) are skipped. */
  lineChars: 4096,
  /** A CSV's header is read from its first bytes, its last row from its last bytes. */
  csvEdgeBytes: 64 * 1024,
  /** Metrics per run from declared sources (metrics.json has its own limit). */
  metricsPerRun: 64,
  /** Longest metric name. */
  nameChars: 128,
  /**
   * Wall time one pattern may take over one run's stdout: ends a catastrophic backtrack on a
   * hostile output, yet generous enough that a loaded host worker keeps a sane pattern's
   * metrics (50 ms lost a 200-group pattern's at a load of 20 on 2 cores).
   */
  patternBudgetMs: 250,
} as const;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A finite number written as a decimal (not `nan`, `inf`, hex or empty), else undefined. */
export function numberOf(text: string | undefined): number | undefined {
  const trimmed = text?.trim();
  if (!trimmed || !NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

// Runs inside the vm context, once per pattern: the last match on any line wins. A pattern with
// named groups gives one metric per group; otherwise its first group (or the whole match) is `name`.
const MATCH_SCRIPT = new vm.Script(`
  const found = [];
  const re = new RegExp(source.pattern);
  for (const line of lines) {
    const m = re.exec(line);
    if (!m) continue;
    if (m.groups) for (const [k, v] of Object.entries(m.groups)) found.push([k, v]);
    else found.push([source.name, m.length > 1 ? m[1] : m[0]]);
  }
  JSON.stringify(found);
`);

type MetricSource = NonNullable<ApplicationSnapshot['metricSources']>[number];
type StdoutSource = Extract<MetricSource, { kind: 'stdout' }>;
type CsvSource = Extract<MetricSource, { kind: 'csv' }>;

/**
 * Metrics the stdout patterns find in `text`. Each pattern has its own time budget: one that
 * overruns it (or does not compile) reports nothing, and the others still do.
 */
export function stdoutMetrics(text: string, sources: readonly StdoutSource[]): Record<string, number> {
  const lines = text.split('\n').filter((line) => line.length <= METRIC_SOURCE_LIMITS.lineChars);
  const metrics: Record<string, number> = {};
  for (const source of sources) {
    const context = vm.createContext({ source: { name: source.name, pattern: source.pattern }, lines });
    let pairs: Array<[string, string | undefined]>;
    try {
      const json = MATCH_SCRIPT.runInContext(context, { timeout: METRIC_SOURCE_LIMITS.patternBudgetMs });
      pairs = JSON.parse(json as string) as typeof pairs;
    } catch {
      continue;
    }
    for (const [name, raw] of pairs) {
      const value = numberOf(raw);
      if (value !== undefined) metrics[name] = value;
    }
  }
  return bounded(metrics);
}

/** One CSV line's fields: commas separate, double quotes enclose (`""` is a quote). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** Metrics of a CSV's last row, named by its header; only `columns` when the source lists them. */
export function csvMetrics(header: string, lastRow: string, source: CsvSource): Record<string, number> {
  const names = csvFields(header);
  const values = csvFields(lastRow);
  const wanted = source.columns && source.columns.length > 0 ? new Set(source.columns) : undefined;
  const metrics: Record<string, number> = {};
  names.forEach((name, i) => {
    if (name === '' || (wanted && !wanted.has(name))) return;
    const value = numberOf(values[i]);
    if (value !== undefined) metrics[name] = value;
  });
  return bounded(metrics);
}

/** At most metricsPerRun metrics, with names of a sensible length. */
function bounded(metrics: Record<string, number>): Record<string, number> {
  const kept = Object.entries(metrics)
    .filter(([name]) => name.length > 0 && name.length <= METRIC_SOURCE_LIMITS.nameChars)
    .slice(0, METRIC_SOURCE_LIMITS.metricsPerRun);
  return Object.fromEntries(kept);
}

/** The first or last `bytes` of a run's file (relative to its folder), and the file's size. */
export type EdgeReader = (
  relative: string,
  bytes: number,
  end: boolean,
) => Promise<{ bytes: Buffer; size: number }>;

/**
 * The complete, non-empty lines among the first or last `bytes` of a file: a slice that starts
 * inside the file drops its first, cut line (a slice that ends inside it, its last).
 */
async function edgeLines(read: EdgeReader, file: string, bytes: number, end: boolean): Promise<string[]> {
  const slice = await read(file, bytes, end);
  const lines = slice.bytes.toString('utf8').split(/\r?\n/);
  if (slice.bytes.length < slice.size) {
    if (end) lines.shift();
    else lines.pop();
  }
  return lines.filter((l) => l.trim() !== '');
}

/**
 * The metrics a run's declared sources give, read from its collected files. `files` are the
 * run's regular files (relative paths): only those are read, so a link never is.
 */
export async function declaredMetrics(
  read: EdgeReader,
  files: ReadonlySet<string>,
  sources: readonly MetricSource[],
): Promise<Record<string, number>> {
  const metrics: Record<string, number> = {};
  const stdoutSources = sources.filter((s): s is StdoutSource => s.kind === 'stdout');
  if (stdoutSources.length > 0 && files.has('.tuplet/stdout')) {
    const tail = await edgeLines(read, '.tuplet/stdout', METRIC_SOURCE_LIMITS.stdoutTailBytes, true);
    Object.assign(metrics, stdoutMetrics(tail.join('\n'), stdoutSources));
  }
  for (const source of sources) {
    if (source.kind !== 'csv') continue;
    const rel = safeRelativePath(source.file);
    if (rel === undefined || !files.has(rel)) continue;
    const [header] = await edgeLines(read, rel, METRIC_SOURCE_LIMITS.csvEdgeBytes, false);
    const last = (await edgeLines(read, rel, METRIC_SOURCE_LIMITS.csvEdgeBytes, true)).at(-1);
    const usable = (line: string | undefined): line is string =>
      line !== undefined && line.length <= METRIC_SOURCE_LIMITS.lineChars;
    // An over-long header or last row is skipped, never replaced by a line before it.
    if (usable(header) && usable(last) && last !== header)
      Object.assign(metrics, csvMetrics(header, last, source));
  }
  return bounded(metrics);
}
