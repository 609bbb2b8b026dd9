// Who may see and use what, in one place (docs/groups.md):
// - admins see and use everything;
// - until the first group exists, every member sees every application and host (as before groups);
// - from then on, a member sees and uses only the applications and hosts granted to one of their
//   groups, and a series only with what its own group was granted;
// - an application limited to some hosts (`applications.hosts`) runs only there, for everyone;
// - a series is seen by everyone signed in, or (visibility `group`) by its group's members, its
//   owner and admins. Anything a user may not see answers 404, as if it did not exist.
import type { Database } from '../db/client.ts';
import { anyGroupExists, grantsOfUser } from '../db/groups.ts';
import type { AuthUser } from './context.ts';
import { isAdmin } from './auth.ts';

/** What a user may use: `everything`, or the names granted to them. */
export type Catalogue = 'everything' | { applications: ReadonlySet<string>; hosts: ReadonlySet<string> };

/** The user's catalogue; with `groupId`, only that group's grants (what a series of it may use). */
export async function catalogueOf(db: Database, user: AuthUser, groupId?: string | null): Promise<Catalogue> {
  if (isAdmin(user) || !(await anyGroupExists(db))) return 'everything';
  const grants = await grantsOfUser(db, user.id, groupId ?? undefined);
  return { applications: new Set(grants.applications), hosts: new Set(grants.hosts) };
}

export function mayUseApplication(catalogue: Catalogue, name: string): boolean {
  return catalogue === 'everything' || catalogue.applications.has(name);
}

export function mayUseHost(catalogue: Catalogue, name: string): boolean {
  return catalogue === 'everything' || catalogue.hosts.has(name);
}

/** An application limited to some hosts runs only there (null: any host). */
export function applicationRunsOn(application: { hosts: string[] | null }, host: string): boolean {
  return application.hosts === null || application.hosts.includes(host);
}

/** The rows of a list the user may see. */
export function visibleApplications<T extends { name: string }>(catalogue: Catalogue, rows: T[]): T[] {
  return rows.filter((row) => mayUseApplication(catalogue, row.name));
}

export function visibleHosts<T extends { name: string }>(catalogue: Catalogue, rows: T[]): T[] {
  return rows.filter((row) => mayUseHost(catalogue, row.name));
}

/** The `visibleTo` argument of series queries (db/series.ts): undefined for admins, who see all. */
export function seriesViewer(user: AuthUser): string | undefined {
  return isAdmin(user) ? undefined : user.id;
}
