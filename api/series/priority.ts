// A new series' priority (docs/fair-share.md): `low` and `normal` anyone may ask for; `high`
// only admins, or members launching in a group whose admin-set `highPriority` allows it.
// Priority orders release among the user's own series; it never takes from other users' shares.
import type { Database } from '../../db/client.ts';
import { groupPriorityOf, PRIORITIES, type Priority } from '../../db/fair-share.ts';
import { isAdmin } from '../auth.ts';
import type { AuthUser } from '../context.ts';
import { ApiError } from '../errors.ts';

export { PRIORITIES, type Priority };

export async function seriesPriorityOf(
  db: Database,
  user: AuthUser,
  groupId: string | null,
  requested: Priority | undefined,
): Promise<Priority> {
  const priority = requested ?? 'normal';
  if (priority !== 'high' || isAdmin(user)) return priority;
  const group = groupId ? await groupPriorityOf(db, groupId) : undefined;
  if (group?.highPriority) return priority;
  throw new ApiError(
    422,
    'priority_not_allowed',
    group
      ? `priority: high is for admins and groups allowed it; group '${group.name}' does not have highPriority`
      : 'priority: high is for admins and members of a group with highPriority; this series has no group',
    { field: 'priority' },
  );
}
