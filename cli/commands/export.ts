// `tuplet export SERIES -o FILE`: the whole finished series as one tar.gz (manifest.json and
// its collected files), streamed to FILE as it arrives; `tuplet import FILE` reads it back.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('download a finished series as one archive (manifest.json + its files) for `tuplet import`')
    .argument('<series>', 'series id')
    .requiredOption('-o, --output <file>', 'where to write the archive (.tar.gz)')
    .addHelpText(
      'after',
      '\nExamples:\n  tuplet export k3v9x2m4q8 -o spiral.tar.gz\n  tuplet import spiral.tar.gz      # on another Tuplet',
    )
    .action(async (id: string, options: { output: string }) => {
      const client = await ApiClient.fromEnvironment();
      const response = await client.raw('GET', `/api/v1/series/${encodeURIComponent(id)}/export`);
      // Written beside the target and renamed at the end: a broken download leaves no archive.
      const partial = `${options.output}.partial`;
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          createWriteStream(partial),
        );
        await rename(partial, options.output);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      process.stdout.write(`series ${id}: exported to ${options.output}\n`);
    });
}
