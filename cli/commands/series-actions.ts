// `tuplet status|cancel|rerun SERIES`: look at and steer one series.
import type { Command } from 'commander';
import { RUN_STATES } from '../../core/states.ts';
import { ApiClient } from '../api-client.ts';
import { CliInputError } from '../errors.ts';
import { followSeries, summarize, type SeriesView } from '../series-view.ts';

export function registerSeriesActions(program: Command): void {
  program
    .command('status')
    .description('show the state and run counts of a series')
    .argument('<series>', 'series id')
    .option('-w, --wait', 'follow it with a progress bar until it ends')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  tuplet status k3v9x2m4q8 --wait')
    .action(async (id: string, options: { wait?: boolean; json?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      const series = options.wait
        ? await followSeries(client, id, !options.json && process.stderr.isTTY === true)
        : await client.request<SeriesView>('GET', `/api/v1/series/${encodeURIComponent(id)}`);
      process.stdout.write(options.json ? `${JSON.stringify(series)}\n` : `${summarize(series)}\n`);
    });

  program
    .command('cancel')
    .description('cancel a series: every queued or running run of it is stopped')
    .argument('<series>', 'series id')
    .addHelpText('after', '\nExample:\n  tuplet cancel k3v9x2m4q8')
    .action(async (id: string) => {
      const client = await ApiClient.fromEnvironment();
      await client.request('POST', `/api/v1/series/${encodeURIComponent(id)}/cancel`, {});
      process.stdout.write(`series ${id}: cancel requested\n`);
    });

  program
    .command('rerun')
    .description('run the failed runs of a finished series again, in the same series')
    .argument('<series>', 'series id')
    .option('--states <list>', `which runs to repeat, comma-separated (${RUN_STATES.join(', ')})`, 'failed')
    .option('-w, --wait', 'follow the series until it ends')
    .addHelpText(
      'after',
      '\nExamples:\n  tuplet rerun k3v9x2m4q8\n  tuplet rerun k3v9x2m4q8 --states failed,cancelled --wait',
    )
    .action(async (id: string, options: { states: string; wait?: boolean }) => {
      const states = options.states
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = states.filter((s) => !(RUN_STATES as readonly string[]).includes(s));
      if (unknown.length) throw new CliInputError(`unknown run state: ${unknown.join(', ')}`);
      const client = await ApiClient.fromEnvironment();
      const answer = await client.request<{ runs?: number }>(
        'POST',
        `/api/v1/series/${encodeURIComponent(id)}/rerun`,
        {
          states,
        },
      );
      process.stdout.write(
        `series ${id}: rerunning${answer.runs !== undefined ? ` ${answer.runs} runs` : ''}\n`,
      );
      if (options.wait) {
        const final = await followSeries(client, id, process.stderr.isTTY === true);
        process.stdout.write(`${summarize(final)}\n`);
        if (final.state !== 'completed') process.exitCode = 1;
      }
    });
}
