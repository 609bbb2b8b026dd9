// Which hosts a new series runs on: `host` (one), or `hosts` (several, docs/multi-host.md),
// each checked as a single host always was — granted to the series' group, existing, allowed
// by the application. Errors name the field and the entry (`hosts[1]`).
import { findHost, type HostRow } from '../../db/hosts.ts';
import type { Database } from '../../db/client.ts';
import { applicationRunsOn, mayUseHost, type Catalogue } from '../access.ts';
import { ApiError } from '../errors.ts';

/** Hosts one series may name at most. */
export const MAX_SERIES_HOSTS = 16;

export interface HostChoice {
  host?: string | undefined;
  hosts?: string[] | undefined;
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
