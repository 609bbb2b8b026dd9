// Which group a new series belongs to, and who will see it (docs/groups.md): the group named,
// if the user is in it (admins: any group); else the group a clone's source had, if the user is
// in it; else the user's only group; else none. A user in several groups names one.
import type { Database } from '../../db/client.ts';
import { findGroup, listGroupsOf, memberRole } from '../../db/groups.ts';
import { isAdmin } from '../auth.ts';
import type { AuthUser } from '../context.ts';
import { ApiError } from '../errors.ts';

export type Visibility = 'everyone' | 'group';
export const VISIBILITIES = ['everyone', 'group'] as const;

export interface SeriesGroupChoice {
  /** A group name the user asked for. */
  group?: string | undefined;
  /** The group of the series a clone comes from (used when the user is in it). */
  sourceGroupId?: string | null | undefined;
  visibility?: Visibility | undefined;
}

export interface SeriesGroup {
  groupId: string | null;
  visibility: Visibility;
}

const refused = (field: 'group' | 'visibility', code: string, message: string) =>
  new ApiError(422, code, message, { field });

async function chooseGroup(db: Database, user: AuthUser, choice: SeriesGroupChoice): Promise<string | null> {
  if (choice.group !== undefined) {
    const group = await findGroup(db, choice.group);
    if (!group || (!isAdmin(user) && !(await memberRole(db, group.id, user.id)))) {
      throw refused(
        'group',
        'unknown_group',
        `group '${choice.group}' does not exist or you are not a member`,
      );
    }
    return group.id;
  }
  const mine = await listGroupsOf(db, user.id);
  const source = choice.sourceGroupId;
  if (source && (isAdmin(user) || mine.some((g) => g.id === source))) return source;
  if (mine.length <= 1) return mine[0]?.id ?? null;
  throw refused(
    'group',
    'group_required',
    `group: you belong to several groups (${mine.map((g) => g.name).join(', ')}); name the series' group`,
  );
}

export async function seriesGroupOf(
  db: Database,
  user: AuthUser,
  choice: SeriesGroupChoice,
): Promise<SeriesGroup> {
  const groupId = await chooseGroup(db, user, choice);
  const visibility = choice.visibility ?? 'everyone';
  if (visibility === 'group' && groupId === null) {
    throw refused(
      'visibility',
      'invalid_visibility',
      "visibility: 'group' needs the series to belong to a group",
    );
  }
  return { groupId, visibility };
}
