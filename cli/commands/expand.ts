// `tuplet expand FILE [--json] [--limit K]`: how many tuples a sweep gives, which parameters
// vary, and the first directories — as JSON for scripts, as a summary for people.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { CliInputError } from '../errors.ts';
import { SweepError, parseSweep, previewOf, type Sweep, type SweepPreview } from '../../sweep/index.ts';

/** Reads and parses a sweep file (`-` is stdin); every problem becomes an input error naming the file. */
export function readSweepFile(file: string, maxTuples?: number): Sweep {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parseSweep(text, maxTuples === undefined ? {} : { maxTuples });
  } catch (error) {
    if (error instanceof SweepError) throw new CliInputError(`${file}: ${error.message}`);
    throw error;
  }
}

export function parseCount(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError('expected a non-negative integer.');
  }
  return Number(text);
}

export function parseMaxTuples(text: string): number {
  if (text === 'Infinity' || text === 'none') return Infinity;
  const value = parseCount(text);
  if (value < 1) throw new InvalidArgumentError('expected a positive integer or "none".');
  return value;
}

/** Where a command's output goes; tests pass a collector instead of stdout. */
export type Output = (text: string) => void;
export const toStdout: Output = (text) => void process.stdout.write(text);

export function registerExpand(program: Command, out: Output = toStdout): void {
  program
    .command('expand')
    .description(
      'Count the tuples of an INI sweep and show its varied parameters, links, exclusions and first directories.',
    )
    .argument('<file>', 'INI sweep file (- for stdin)')
    .option('--json', 'print {count, parameters, tuples} as JSON')
    .option('--limit <k>', 'number of tuples to show', parseCount, 20)
    .option('--max-tuples <n>', 'refuse sweeps with more tuples than this ("none": no limit)', parseMaxTuples)
    .addHelpText(
      'after',
      `
The sweep language (docs/sweep-language.md):
  key = 1 2 3            a varied parameter: several values
  key = 10...5...30      a range start...step...end (10 15 20 25 30)
  #@link dt dx           dt and dx advance together (as many values each)
  #@exclude a > b        leave out the combinations where a > b; compare with
                         = != < <= > >=, join with and / or, group with ( )
Tuples are numbered 0, 1, … over the kept combinations, the last varied parameter
(or link) changing fastest; directives are comments to the program that reads the config.

Examples:
  $ tuplet expand examples/spiral-drift.ini
  $ tuplet expand examples/gpu-training.ini --json --limit 3
  $ tuplet expand huge.ini --max-tuples none`,
    )
    .action((file: string, options: { json?: boolean; limit: number; maxTuples?: number }) => {
      const sweep = readSweepFile(file, options.maxTuples);
      const preview = previewOf(sweep, options.limit);
      out(options.json ? `${JSON.stringify(preview, null, 2)}\n` : summary(file, sweep, preview));
    });
}

function summary(file: string, sweep: Sweep, preview: SweepPreview): string {
  const count = sweep.count.toLocaleString('en-US');
  const varied = sweep.parameters.length;
  const lines = [
    `${file}: ${count} tuple${sweep.count === 1n ? '' : 's'} from ${varied} varied parameter${varied === 1 ? '' : 's'}`,
  ];
  if (varied > 0) lines.push('');
  const width = Math.max(0, ...sweep.parameters.map((p) => p.name.length));
  for (const { name, values } of sweep.parameters) {
    const shown = values.length <= 10 ? values : [...values.slice(0, 8), '…', ...values.slice(-1)];
    lines.push(`  ${name.padEnd(width)}  ${String(values.length).padStart(4)} values: ${shown.join(' ')}`);
  }
  lines.push(`  (${sweep.constants.length} constant key${sweep.constants.length === 1 ? '' : 's'})`);
  for (const link of sweep.links) lines.push(`  linked (line ${link.line}): ${link.names.join(' ')}`);
  if (sweep.exclusions.length > 0) {
    const left = sweep.combinations - sweep.count;
    lines.push(
      `  excluded: ${left.toLocaleString('en-US')} of ${sweep.combinations.toLocaleString('en-US')} combinations`,
    );
    for (const { rule, line } of sweep.exclusions) lines.push(`    line ${line}: ${rule}`);
  }
  if (preview.tuples.length > 0) {
    lines.push('', `first ${preview.tuples.length} of ${count} directories:`);
    for (const tuple of preview.tuples) lines.push(`  ${tuple.dir}`);
  }
  return `${lines.join('\n')}\n`;
}
