// `tuplet import FILE`: a series archive (from `tuplet export`) as a new, finished series of
// yours. The file is streamed to the server, never read whole; the server checks every entry
// and manifest field and says which one it refuses.
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { openFileAsBlob } from '../local-file.ts';

interface Imported {
  id: string;
  sourceId: string;
  runs: number;
  files: number;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import a series archive (from `tuplet export`) as a finished series of yours; it never runs',
    )
    .argument('<file>', 'the archive (.tar.gz)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  tuplet import spiral.tar.gz')
    .action(async (file: string, options: { json?: boolean }) => {
      const archive = await openFileAsBlob(file);
      const client = await ApiClient.fromEnvironment();
      const response = await client.raw('POST', '/api/v1/series/import', archive);
      const imported = (await response.json()) as Imported;
      process.stdout.write(
        options.json
          ? `${JSON.stringify(imported)}\n`
          : `series ${imported.id}: imported from ${imported.sourceId} (${imported.runs} runs, ${imported.files} files)\n`,
      );
    });
}
