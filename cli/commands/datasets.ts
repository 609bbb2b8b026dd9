// `tuplet datasets …`: named, versioned inputs over /api/v1/datasets (docs/datasets.md): list
// them, create one, upload a version (an archive, streamed from the file), register a directory
// already on a host, show one dataset or one version (file tree, the series that used it).
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { CliInputError } from '../errors.ts';
import { openFileAsBlob } from '../local-file.ts';

interface DatasetView {
  name: string;
  description: string;
  owner: string;
  group: string | null;
}
interface VersionView {
  version: number;
  kind: 'upload' | 'host';
  host: string | null;
  path: string | null;
  entries: number | null;
  bytes: number | null;
  manifestSha256: string | null;
  createdAt: string;
}
interface VersionDetail extends VersionView {
  files: Array<{ path: string; type: string; size: number; sha256?: string }> | null;
  usedBy: Array<{ seriesId: string; state: string; mountPath: string }>;
}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const json = (value: unknown): void => print(JSON.stringify(value));

/** One line a version: number, where its data is, its size. */
function versionLine(v: VersionView): string {
  const where = v.kind === 'host' ? `${v.host}:${v.path}` : `upload, ${v.entries} entries, ${v.bytes} bytes`;
  return [`v${v.version}`, where, v.manifestSha256 ?? '', v.createdAt.slice(0, 16).replace('T', ' ')].join(
    '\t',
  );
}

function parseVersion(value: string): number {
  const version = Number(value.replace(/^v/, ''));
  if (!Number.isInteger(version) || version < 1)
    throw new CliInputError(`version: a whole number from 1, not '${value}'`);
  return version;
}

export function registerDatasets(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('datasets: named, versioned inputs every run of a series sees at inputs/<name>/')
    .addHelpText(
      'after',
      `
Examples:
  tuplet datasets                                  the datasets you may see
  tuplet datasets create cells --group optics      a new dataset shared with your group
  tuplet datasets upload cells cells.zip           a new version from an archive (zip, tar, tar.gz)
  tuplet datasets register cells --host cluster --path /scratch/cells
                                                   a new version: a directory already on a host
  tuplet datasets show cells                       its versions
  tuplet datasets show cells 2                     version 2: its files and the series that used it
A series uses one with: tuplet submit … (API: "datasets": [{"name": "cells", "version": 2}]).`,
    );

  datasets
    .command('list', { isDefault: true })
    .description('the datasets you may see, by name (the default)')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      const answer = await client.request<{ datasets: DatasetView[] }>('GET', '/api/v1/datasets');
      if (options.json) return json(answer);
      const rows = answer.datasets.map((d) => [d.name, d.owner, d.group ?? '-', d.description].join('\t'));
      print(rows.join('\n') || 'no datasets');
    });

  datasets
    .command('create')
    .description('create a dataset (then upload or register versions)')
    .argument('<name>', 'letters, digits, . _ - (at most 63)')
    .option('--group <group>', 'one of your groups: its members see and use it')
    .option('--description <text>', 'what it holds')
    .action(async (name: string, options: { group?: string; description?: string }) => {
      const client = await ApiClient.fromEnvironment();
      const body: Record<string, string> = { name };
      if (options.group) body.group = options.group;
      if (options.description) body.description = options.description;
      await client.request('POST', '/api/v1/datasets', body);
      print(`dataset ${name} created`);
    });

  datasets
    .command('upload')
    .description('add a version from an archive (zip, tar or tar.gz), checked as input packages are')
    .argument('<name>', 'the dataset')
    .argument('<file>', 'the archive')
    .option('--json', 'print the API answer as JSON')
    .action(async (name: string, file: string, options: { json?: boolean }) => {
      const archive = await openFileAsBlob(file);
      const client = await ApiClient.fromEnvironment();
      const response = await client.raw(
        'POST',
        `/api/v1/datasets/${encodeURIComponent(name)}/versions`,
        archive,
      );
      const version = (await response.json()) as VersionView;
      if (options.json) return json(version);
      print(`dataset ${name} ${versionLine(version)}`);
    });

  datasets
    .command('register')
    .description(
      '(admins) add a version that is a directory already on a host (linked when staged, never copied)',
    )
    .argument('<name>', 'the dataset')
    .requiredOption('--host <host>', 'where the directory is')
    .requiredOption('--path <path>', 'its absolute path there')
    .option('--json', 'print the API answer as JSON')
    .action(async (name: string, options: { host: string; path: string; json?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      const version = await client.request<VersionView>(
        'POST',
        `/api/v1/datasets/${encodeURIComponent(name)}/host-versions`,
        { host: options.host, path: options.path },
      );
      if (options.json) return json(version);
      print(`dataset ${name} ${versionLine(version)}`);
    });

  datasets
    .command('show')
    .description('a dataset with its versions, or one version: its files and the series that used it')
    .argument('<name>', 'the dataset')
    .argument('[version]', 'a version number', parseVersion)
    .option('--json', 'print the API answer as JSON')
    .action(async (name: string, version: number | undefined, options: { json?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      const route = `/api/v1/datasets/${encodeURIComponent(name)}`;
      if (version === undefined) {
        const answer = await client.request<DatasetView & { versions: VersionView[] }>('GET', route);
        if (options.json) return json(answer);
        print(`${answer.name}\towner ${answer.owner}\tgroup ${answer.group ?? '-'}\n${answer.description}`);
        print(answer.versions.map(versionLine).join('\n') || 'no versions');
        return;
      }
      const detail = await client.request<VersionDetail>('GET', `${route}/versions/${version}`);
      if (options.json) return json(detail);
      print(versionLine(detail));
      for (const f of detail.files ?? []) print(`  ${f.path}\t${f.size}\t${f.sha256 ?? '(directory)'}`);
      print(
        detail.usedBy.length === 0
          ? 'used by no series'
          : `used by:\n${detail.usedBy.map((u) => `  ${u.seriesId}\t${u.state}\t${u.mountPath}`).join('\n')}`,
      );
    });
}
