// `tuplet logs SERIES [INDEX]`: a run's output, or the failed runs of a series with their errors.
import type { Command } from 'commander';
import { ApiClient, ApiResponseError } from '../api-client.ts';
import { CliInputError } from '../errors.ts';

interface RunView {
  index: number;
  dir: string;
  state: string;
  exitCode: number | null;
  reason?: string | null;
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("print a run's stdout (or stderr); without INDEX, the failed runs and their stderr tails")
    .argument('<series>', 'series id')
    .argument('[index]', 'run index (as in `tuplet expand`)')
    .option('--stderr', 'print stderr instead of stdout')
    .option('--tail <lines>', 'only the last lines', (v) => Number(v))
    .addHelpText(
      'after',
      '\nExamples:\n  tuplet logs k3v9x2m4q8          # what failed and why\n  tuplet logs k3v9x2m4q8 17 --stderr',
    )
    .action(async (id: string, index: string | undefined, options: { stderr?: boolean; tail?: number }) => {
      const client = await ApiClient.fromEnvironment();
      const series = encodeURIComponent(id);
      const tail = (text: string, n?: number) =>
        n
          ? text
              .split('\n')
              .slice(-n - 1)
              .join('\n')
          : text;
      const output = async (runIndex: number, stream: 'stdout' | 'stderr') => {
        try {
          const response = await client.raw(
            'GET',
            `/api/v1/series/${series}/runs/${runIndex}/files/.tuplet/${stream}`,
          );
          return await response.text();
        } catch (error) {
          if (error instanceof ApiResponseError && error.status === 404) return '';
          throw error;
        }
      };
      if (index !== undefined) {
        if (!/^\d+$/.test(index)) throw new CliInputError(`run index must be a whole number, got "${index}"`);
        process.stdout.write(
          tail(await output(Number(index), options.stderr ? 'stderr' : 'stdout'), options.tail),
        );
        return;
      }
      const { runs } = await client.request<{ runs: RunView[] }>(
        'GET',
        `/api/v1/series/${series}/runs?state=failed&limit=20`,
      );
      if (runs.length === 0) {
        process.stdout.write(`series ${id}: no failed runs\n`);
        return;
      }
      for (const run of runs) {
        process.stdout.write(
          `── run ${run.index} (${run.dir}): exit ${run.exitCode ?? '-'} ${run.reason ?? ''}\n`,
        );
        process.stdout.write(`${tail(await output(run.index, 'stderr'), options.tail ?? 10)}\n`);
      }
    });
}
