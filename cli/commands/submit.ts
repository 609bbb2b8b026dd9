// `tuplet submit FILE --app A (--host H [--host H2 …] | --pool P) [--wait]`: launch a series through
// the HTTP API.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Resources } from '../../hosts/executor.ts';
import { ApiClient } from '../api-client.ts';
import { CliInputError } from '../errors.ts';
import { followSeries, summarize } from '../series-view.ts';

/** The resource flags are the series' resources as hosts read them; `--sbatch` fills `extra`. */
interface SubmitOptions extends Omit<Resources, 'extra'> {
  app: string;
  /** One host, or several: the series is placed over them (docs/multi-host.md). */
  host: string[];
  /** Or a pool of hosts, expanded by the server (docs/multi-host.md). */
  pool?: string;
  description?: string;
  tag: string[];
  sbatch: string[];
  package?: string;
  group?: string;
  visibility?: 'everyone' | 'group';
  priority?: 'low' | 'normal' | 'high';
  reuse?: boolean;
  preview?: boolean;
  wait?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliInputError(`expected a whole number, got "${value}"`);
  return n;
};

export function registerSubmit(program: Command): void {
  program
    .command('submit')
    .description('launch a series: every combination of the INI sweep runs as its own job')
    .argument('<file>', 'the INI template with parameter series (see `tuplet expand`)')
    .requiredOption('--app <name>', 'application to run (see GET /api/v1/applications)')
    .option(
      '--host <name>',
      'host to run on: local, an ssh workstation or a slurm cluster; repeat it to spread the series over several (docs/multi-host.md)',
      collect,
      [],
    )
    .option(
      '--pool <name>',
      'instead of --host: a pool of hosts an admin named; the series goes over those of its hosts you may use that run the application and are not drained (docs/multi-host.md)',
    )
    .option('-d, --description <text>', 'what this series is for (searchable)')
    .option('-t, --tag <tag>', 'a tag (repeatable)', collect, [])
    .option('--partition <name>', 'SLURM partition')
    .option('--time <limit>', 'time limit per run, e.g. 01:00:00')
    .option('--cpus <n>', 'CPUs per run', positiveInt)
    .option('--gpus <n>', 'GPUs per run', positiveInt)
    .option('--memory <size>', 'memory per run, e.g. 4G')
    .option('--account <name>', 'SLURM account')
    .option('--qos <name>', 'SLURM QOS')
    .addOption(
      new Option('--sbatch <directive>', 'extra #SBATCH directive (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .option('-p, --package <file>', 'input files (zip, tar or tar.gz) unpacked into the series directory')
    .option('--group <name>', "the series' group (default: your only group; docs/groups.md)")
    .addOption(
      new Option('--visibility <who>', 'who sees the series: everyone signed in, or its group only').choices([
        'everyone',
        'group',
      ]),
    )
    .addOption(
      new Option(
        '--priority <level>',
        'order among your own series on a host (default normal); high only for admins, or in a group an admin allowed highPriority (docs/fair-share.md)',
      ).choices(['low', 'normal', 'high']),
    )
    .option(
      '--reuse',
      'take the tuples that already succeeded in series you may see with the same application version, package, host and equivalent resources instead of running them (docs/reuse.md)',
    )
    .option('--preview', 'say how many tuples could be reused, and submit nothing')
    .option('-w, --wait', 'follow the series with a progress bar until it ends')
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      `
Examples:
  tuplet submit examples/spiral/sweep.ini --app spiral --host local --wait
  tuplet submit model.ini --app heart --host cluster --partition gpu --gpus 1 --time 02:00:00 -t paper2
  tuplet submit examples/spiral/sweep.ini --app spiral --host local --preview   # what could be reused
  tuplet submit examples/spiral/sweep.ini --app spiral --host local --reuse
  tuplet submit examples/spiral/sweep.ini --app spiral --host local --host cluster   # over two hosts
  tuplet submit examples/spiral/sweep.ini --app spiral --pool workstations          # over a pool
Exit code: 0 when submitted (with --wait: when every run succeeded), 1 when runs failed, 2 for bad input.`,
    )
    .action(async (file: string, options: SubmitOptions) => {
      checkWhere(options);
      const ini = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliInputError(`cannot read ${file}: ${error.code ?? error.message}`);
      });
      const resources = Object.fromEntries(
        Object.entries({
          partition: options.partition,
          time: options.time,
          cpus: options.cpus,
          gpus: options.gpus,
          memory: options.memory,
          account: options.account,
          qos: options.qos,
          extra: options.sbatch.length ? options.sbatch : undefined,
        }).filter(([, v]) => v !== undefined),
      );
      const client = await ApiClient.fromEnvironment();
      const packageId = options.package ? await uploadPackage(client, options.package) : undefined;
      const where = {
        application: options.app,
        ...(options.pool !== undefined ? { pool: options.pool } : { host: options.host[0] }),
        ini,
        ...(Object.keys(resources).length ? { resources } : {}),
        ...(packageId ? { package: packageId } : {}),
        ...(options.group ? { group: options.group } : {}),
        ...(options.visibility ? { visibility: options.visibility } : {}),
      };
      if (options.preview || options.reuse) {
        const offer = await reuseOffer(client, where);
        if (options.preview) {
          process.stdout.write(options.json ? `${JSON.stringify(offer)}\n` : `${describeOffer(offer)}\n`);
          return;
        }
        if (!options.json) process.stderr.write(`${describeOffer(offer)}\n`);
      }
      const created = await client.request<{
        id: string;
        workflowId: string;
        count: number;
        reused?: number;
      }>('POST', '/api/v1/series', {
        ...where,
        ...(options.host.length > 1 ? { hosts: options.host } : {}),
        ...(options.description ? { description: options.description } : {}),
        ...(options.tag.length ? { tags: options.tag } : {}),
        ...(options.reuse ? { reuse: true } : {}),
        ...(options.priority ? { priority: options.priority } : {}),
      });
      const reused = created.reused ? `, ${created.reused} reused` : '';
      if (!options.wait) {
        process.stdout.write(
          options.json
            ? `${JSON.stringify(created)}\n`
            : `series ${created.id} submitted: ${created.count} runs${reused} (workflow ${created.workflowId})\n`,
        );
        return;
      }
      if (!options.json) process.stderr.write(`series ${created.id}: ${created.count} runs${reused}\n`);
      const final = await followSeries(client, created.id, !options.json && process.stderr.isTTY === true);
      process.stdout.write(options.json ? `${JSON.stringify(final)}\n` : `${summarize(final)}\n`);
      if (final.state !== 'completed') process.exitCode = 1;
    });
}

/** Where the series runs: hosts named, or a pool; the reuse offer is per hosts named. */
function checkWhere(options: SubmitOptions): void {
  if (options.pool !== undefined) {
    if (options.host.length > 0) throw new CliInputError('name hosts (--host) or a pool (--pool), not both');
    if (options.preview || options.reuse) {
      throw new CliInputError('--preview and --reuse compare with the hosts named: use --host, not --pool');
    }
    return;
  }
  if (options.host.length === 0)
    throw new CliInputError("required option '--host <name>' (or --pool) not specified");
}

interface ReuseOffer {
  tuples: number;
  count: number;
  sources: Array<{ id: string; description: string; tuples: number }>;
}

/** What POST /api/v1/sweeps/preview says could be reused (docs/reuse.md). */
async function reuseOffer(client: ApiClient, where: Record<string, unknown>): Promise<ReuseOffer> {
  const preview = await client.request<{ reuse?: ReuseOffer }>('POST', '/api/v1/sweeps/preview', {
    ...where,
    limit: 0,
  });
  return preview.reuse ?? { tuples: 0, count: 0, sources: [] };
}

function describeOffer(offer: ReuseOffer): string {
  if (offer.tuples === 0) return `none of the ${offer.count} tuples already succeeded: every run runs`;
  const where = offer.sources.map((s) => `${s.id}${s.description ? ` (${s.description})` : ''}: ${s.tuples}`);
  return `${offer.tuples} of ${offer.count} tuples already succeeded, in series ${where.join(', ')}`;
}

async function uploadPackage(client: ApiClient, file: string): Promise<string> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new CliInputError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const name = encodeURIComponent(path.basename(file));
  const response = await client.raw('POST', `/api/v1/packages?name=${name}`, bytes);
  return ((await response.json()) as { id: string }).id;
}
