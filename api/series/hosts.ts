// Which hosts a new series runs on: `host` (one), `hosts` (several, docs/multi-host.md) or a
// `pool` (the granted hosts of a named pool not drained), each checked as a single host always
// was — granted to the series' group, existing, allowed by the application. Errors name the
// field and the entry (`hosts[1]`).
import { findHost, listPoolHosts, type HostRow } from '../../db/hosts.ts';
import type { Database } from '../../db/client.ts';
import { applicationRunsOn, mayUseHost, type Catalogue } from '../access.ts';
import { ApiError } from '../errors.ts';

/** Hosts one series may name at most. */
export const MAX_SERIES_HOSTS = 16;

export interface HostChoice {
  host?: string | undefined;
  hosts?: string[] | undefined;
  pool?: string | undefined;
}

/**
 * The rows of the hosts a new series runs on, every one checked (`checkedHosts`); a pool is
 * expanded to its hosts the series' group may use and not drained. Refused when every host is
 * drained: a drained host takes no new series.
 */
export async function seriesHosts(
  db: Database,
  catalogue: Catalogue,
  app: { name: string; hosts: string[] | null },
  input: HostChoice,
): Promise<HostRow[]> {
  const names =
    input.pool === undefined ? hostNamesOf(input) : await poolHostNames(db, catalogue, app, input);
  const rows = await checkedHosts(db, catalogue, app, names);
  if (rows.every((row) => row.drained)) {
    const [field, which] =
      rows.length === 1
        ? ['host', `host '${rows[0]!.name}' is`]
        : ['hosts', `every host named (${names.join(', ')}) is`];
    throw new ApiError(422, 'host_drained', `${field}: ${which} drained: it takes no new series`, { field });
  }
  return rows;
}

/**
 * A pool's hosts the series may use, not drained, on which the application runs, by name; the
 * pool alone names the hosts.
 */
async function poolHostNames(
  db: Database,
  catalogue: Catalogue,
  app: { hosts: string[] | null },
  input: HostChoice,
): Promise<string[]> {
  const pool = input.pool!;
  if (input.host !== undefined || input.hosts !== undefined) {
    throw new ApiError(400, 'invalid_request', 'pool: name a pool or hosts, not both', { field: 'pool' });
  }
  // Hosts not granted to the series' group, or not the application's, are left out as if they
  // were not in the pool: a pool is "wherever this can run", not a list to satisfy whole.
  const names = (await listPoolHosts(db, pool))
    .filter((row) => !row.drained && mayUseHost(catalogue, row.name) && applicationRunsOn(app, row.name))
    .map((row) => row.name)
    .slice(0, MAX_SERIES_HOSTS);
  if (names.length === 0) {
    throw new ApiError(
      422,
      'empty_pool',
      `pool: pool '${pool}' has no host the series' group may use, that runs the application and is not drained`,
      { field: 'pool' },
    );
  }
  return names;
}

/** The host names in the order the series uses them (`host` first when both are given). */
export function hostNamesOf(input: HostChoice): string[] {
  const invalid = (message: string, field: string) =>
    new ApiError(400, 'invalid_request', message, { field });
  if (!input.hosts) {
    if (!input.host) throw invalid('host: name the host the series runs on (or several as hosts)', 'host');
    return [input.host];
  }
  if (input.hosts.length === 0) throw invalid('hosts: name at least one host', 'hosts');
  if (input.hosts.length > MAX_SERIES_HOSTS) {
    throw invalid(`hosts: at most ${MAX_SERIES_HOSTS} hosts, not ${input.hosts.length}`, 'hosts');
  }
  input.hosts.forEach((name, i) => {
    if (input.hosts!.indexOf(name) !== i)
      throw invalid(`hosts[${i}]: host '${name}' is named twice`, 'hosts');
  });
  if (input.host === undefined) return [...input.hosts];
  if (!input.hosts.includes(input.host)) {
    throw invalid(`host: '${input.host}' is not one of hosts (${input.hosts.join(', ')})`, 'host');
  }
  return [input.host, ...input.hosts.filter((name) => name !== input.host)];
}

/** Each named host's row, refused as a single host is: unknown or not granted, or not the application's. */
export async function checkedHosts(
  db: Database,
  catalogue: Catalogue,
  app: { name: string; hosts: string[] | null },
  names: string[],
): Promise<HostRow[]> {
  const several = names.length > 1;
  const rows: HostRow[] = [];
  for (const [i, name] of names.entries()) {
    const field = several ? `hosts[${i}]` : 'host';
    const host = mayUseHost(catalogue, name) ? await findHost(db, name) : undefined;
    if (!host) {
      const granted = catalogue !== 'everything' ? " or is not granted to the series' group" : '';
      // One host: the message as it always was.
      const message = `${several ? `${field}: ` : ''}host '${name}' does not exist${granted}`;
      throw new ApiError(422, 'unknown_host', message, {
        field: several ? 'hosts' : 'host',
      });
    }
    if (!applicationRunsOn(app, host.name)) {
      throw new ApiError(
        422,
        'application_not_on_host',
        `${field}: application '${app.name}' runs only on ${app.hosts!.join(', ')}, not on '${host.name}'`,
        { field: several ? 'hosts' : 'host' },
      );
    }
    rows.push(host);
  }
  return rows;
}
