// `tuplet diff A B`: what changed from series A to series B — their INI diff, the keys whose
// values changed, which tuples only one of them has, and on the tuples both have, per metric,
// the differences B − A (GET /api/v1/series/{a}/compare/{b}; docs/compare.md).
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { CliInputError } from '../errors.ts';

/** The parts of the API's answer this command prints (the rest is in --json). */
interface ComparisonView {
  a: SeriesView;
  b: SeriesView;
  ini: { lines: string[]; tooDifferent: boolean };
  parameters: Array<{ name: string; a: string[] | null; b: string[] | null }>;
  tuples: {
    identifiedBy: string[];
    removed: number;
    added: number;
    common: number;
    examples: { removed: Example[]; added: Example[] };
  };
  metrics: Array<{
    name: string;
    count: number;
    mean: number | null;
    min: number | null;
    max: number | null;
  }>;
}
interface SeriesView {
  id: string;
  description: string;
  state: string;
  owner: string;
  count: number;
}
interface Example {
  index: number;
  params: Record<string, string>;
}

const HELP = `
A and B are series ids (as \`tuplet status\` and the web UI show them); you must be able to see
both. Typically A is a series and B its clone (\`POST /api/v1/series/{id}/clone\`); the series
page links its parent and clones.

What is printed:
  - the INI templates as a unified diff (lines starting with - are A's, + are B's);
  - the keys whose values changed (a constant shows as one value);
  - tuples: a tuple is its values of the parameters varied in either series, so changing
    one value of a varied parameter removes that value's tuples and adds the new value's;
    changing a constant keeps every tuple in common;
  - per metric, over the tuples both series have: how many have the metric as a number in
    both runs, and the mean, min and max of B − A.

Examples:
  tuplet diff k3v9x2m4q8 p7w2c9d1z0
  tuplet diff k3v9x2m4q8 p7w2c9d1z0 --limit 20     # more example tuples
  tuplet diff k3v9x2m4q8 p7w2c9d1z0 --json | jq '.metrics'

--json prints the API's answer: {a, b, ini:{lines, tooDifferent}, parameters, tuples:{identifiedBy,
removed, added, common, examples}, metrics, deltas:{rows:[{aIndex, bIndex, params, deltas}], nextAfter}}.`;

const num = (v: number | null) => (v === null ? '—' : String(Number(v.toPrecision(6))));
const tuple = (e: Example, names: string[]) =>
  `  #${e.index}  ${names.map((n) => `${n}=${e.params[n] ?? ''}`).join('  ')}`;

/** Rows of cells as left-aligned columns. */
function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}

export function formatComparison(c: ComparisonView): string {
  const who = (label: string, s: SeriesView) =>
    `${label}  ${s.id}  ${s.description ? `"${s.description}" ` : ''}(${s.owner}, ${s.state}, ${s.count} tuples)`;
  const out = [who('A', c.a), who('B', c.b), ''];
  if (c.ini.tooDifferent) out.push('INI: too many lines differ to show a diff');
  else if (c.ini.lines.length === 0) out.push('INI: identical');
  else out.push('INI diff:', ...c.ini.lines);
  out.push('');
  const values = (v: string[] | null) => (v === null ? '(absent)' : v.join(' '));
  if (c.parameters.length === 0) out.push('Changed keys: none');
  else {
    out.push('Changed keys:');
    for (const p of c.parameters) out.push(`  ${p.name}: ${values(p.a)} -> ${values(p.b)}`);
  }
  out.push('');
  const t = c.tuples;
  out.push(
    `Tuples (by ${t.identifiedBy.join(', ') || 'nothing'}): ${t.removed} only in A (removed), ` +
      `${t.added} only in B (added), ${t.common} in both`,
  );
  for (const [kind, rows] of [
    ['removed', t.examples.removed],
    ['added', t.examples.added],
  ] as const) {
    if (rows.length === 0) continue;
    out.push(`${kind}, first ${rows.length}:`, ...rows.map((e) => tuple(e, t.identifiedBy)));
  }
  out.push('');
  if (c.metrics.length === 0) out.push('Metrics: neither series has any yet');
  else {
    out.push('Metrics on common tuples (B − A):');
    out.push(
      ...columns([
        ['metric', 'tuples', 'mean', 'min', 'max'],
        ...c.metrics.map((m) => [m.name, String(m.count), num(m.mean), num(m.min), num(m.max)]),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two series: INI diff, changed keys, tuples added/removed/common, metric differences B − A',
    )
    .argument('<a>', 'the series compared from (A)')
    .argument('<b>', 'the series compared to (B), e.g. a clone of A')
    .option('--limit <n>', 'example tuples of each kind (1-500)', '5')
    .option('--json', "print the API's answer as JSON")
    .addHelpText('after', HELP)
    .action(async (a: string, b: string, options: { limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new CliInputError(`--limit: a whole number from 1 to 500, not '${options.limit}'`);
      const client = await ApiClient.fromEnvironment();
      const answer = await client.request<ComparisonView>(
        'GET',
        `/api/v1/series/${encodeURIComponent(a)}/compare/${encodeURIComponent(b)}?limit=${limit}`,
      );
      process.stdout.write(options.json ? `${JSON.stringify(answer)}\n` : formatComparison(answer));
    });
}
