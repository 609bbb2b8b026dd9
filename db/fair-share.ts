// Fair share (docs/fair-share.md): what a series brings to the competition for a host's units —
// its owner, the weight of its group (groups.share) and its priority. Read when a chunk starts.
import { eq } from 'drizzle-orm';
import type { FairShare } from '../hosts/executor.ts';
import type { Database } from './client.ts';
import { groups } from './schema.ts';

export type Priority = 'low' | 'normal' | 'high';

/** Series priorities in release order, lowest first: the rank is the index. */
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high'];

/** The largest weight the runner accepts (its registry keeps integers of six digits). */
export const MAX_SHARE = 999_999;

export function priorityRank(priority: Priority): FairShare['rank'] {
  return PRIORITIES.indexOf(priority) as FairShare['rank'];
}

export async function fairShareOf(
  db: Database,
  series: { ownerId: string; groupId: string | null; priority: Priority },
): Promise<FairShare> {
  let weight = 1;
  if (series.groupId) {
    const [group] = await db
      .select({ share: groups.share })
      .from(groups)
      .where(eq(groups.id, series.groupId));
    if (group) weight = group.share;
  }
  return {
    user: series.ownerId,
    weight: Math.min(MAX_SHARE, Math.max(1, weight)),
    rank: priorityRank(series.priority),
  };
}

/** The group's name and whether its members may ask for `high` priority. */
export async function groupPriorityOf(
  db: Database,
  groupId: string,
): Promise<{ name: string; highPriority: boolean } | undefined> {
  const [group] = await db
    .select({ name: groups.name, highPriority: groups.highPriority })
    .from(groups)
    .where(eq(groups.id, groupId));
  return group;
}
