// `tuplet render FILE --index I`: the config file tuple I runs with, exactly as staging writes it.
import { InvalidArgumentError, type Command } from 'commander';
import { CliInputError } from '../errors.ts';
import { SweepError, renderTuple } from '../../sweep/index.ts';
import { parseMaxTuples, readSweepFile, toStdout, type Output } from './expand.ts';

function parseIndex(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a tuple index (0, 1, 2, …).');
  return BigInt(text);
}

export function registerRender(program: Command, out: Output = toStdout): void {
  program
    .command('render')
    .description('Print the config file of one tuple of an INI sweep.')
    .argument('<file>', 'INI sweep file (- for stdin)')
    .requiredOption('--index <i>', 'tuple index, from 0 to count - 1', parseIndex)
    .option('--max-tuples <n>', 'refuse sweeps with more tuples than this ("none": no limit)', parseMaxTuples)
    .addHelpText(
      'after',
      `
Examples:
  $ tuplet render examples/spiral-drift.ini --index 0
  $ tuplet render examples/gpu-training.ini --index 17 > config.ini`,
    )
    .action((file: string, options: { index: bigint; maxTuples?: number }) => {
      const sweep = readSweepFile(file, options.maxTuples);
      try {
        out(renderTuple(sweep, options.index));
      } catch (error) {
        if (error instanceof SweepError) throw new CliInputError(`${file}: ${error.message}`);
        throw error;
      }
    });
}
