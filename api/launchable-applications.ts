// The applications a user may launch a series of, for the new-series form: those of their
// catalogue (api/access.ts), less the own-code ones no group of theirs allows (docs/own-code.md):
// creation would refuse those (403 own_code_not_enabled), so the form does not offer them.
import type { Database } from '../db/client.ts';
import { listGroupsOf, type GroupWithRole } from '../db/groups.ts';
import { catalogueOf, mayUseApplication, visibleApplications } from './access.ts';
import { isAdmin } from './auth.ts';
import type { AuthUser } from './context.ts';
import { OWN_CODE } from './own-code.ts';

/**
 * `rows` less what the user may not launch. An own-code application stays when one of the
 * user's groups has `ownCode` and is granted it: a series of that group is what creation allows.
 */
export async function launchableApplications<T extends { name: string; kind: string }>(
  db: Database,
  user: AuthUser,
  rows: T[],
  groups?: GroupWithRole[],
): Promise<T[]> {
  const visible = visibleApplications(await catalogueOf(db, user), rows);
  if (isAdmin(user) || !visible.some((row) => row.kind === OWN_CODE)) return visible;
  const ownCodeGroups = (groups ?? (await listGroupsOf(db, user.id))).filter((g) => g.ownCode);
  const catalogues = await Promise.all(ownCodeGroups.map((g) => catalogueOf(db, user, g.id)));
  return visible.filter(
    (row) => row.kind !== OWN_CODE || catalogues.some((catalogue) => mayUseApplication(catalogue, row.name)),
  );
}
