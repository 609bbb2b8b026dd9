// Groups (projects): their rows, members (role member | admin) and what each may use (granted
// applications and hosts); also the two questions access rules ask of them (api/access.ts):
// what a user's groups may use, and which series a user may see.
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { newId } from './ids.ts';
import { groupApplications, groupHosts, groupMembers, groups, series, users } from './schema.ts';

export type GroupRow = typeof groups.$inferSelect;
export type GroupRole = 'member' | 'admin';
/** What an admin sets on a group (its id and creation time are the database's). */
export type NewGroup = Omit<typeof groups.$inferInsert, 'id' | 'createdAt'>;
export type GroupPatch = Partial<Omit<NewGroup, 'name'>>;
/** A group as a user's list shows it: with the user's role in it (null: an admin outside it). */
export type GroupWithRole = GroupRow & { role: GroupRole | null; members: number };
export interface GroupMember {
  userId: string;
  name: string;
  role: GroupRole;
}
export interface GroupGrants {
  applications: string[];
  hosts: string[];
}

export async function findGroup(db: Database, name: string): Promise<GroupRow | undefined> {
  const [row] = await db.select().from(groups).where(eq(groups.name, name)).limit(1);
  return row;
}

/** Whether any group exists: until one does, grants restrict nobody (docs/groups.md). */
export async function anyGroupExists(db: Database): Promise<boolean> {
  const rows = await db.select({ id: groups.id }).from(groups).limit(1);
  return rows.length > 0;
}

const groupColumns = {
  id: groups.id,
  name: groups.name,
  description: groups.description,
  share: groups.share,
  ownCode: groups.ownCode,
  highPriority: groups.highPriority,
  createdAt: groups.createdAt,
};
const memberCount = sql<number>`(select count(*)::int from ${groupMembers} where ${groupMembers.groupId} = ${groups.id})`;

/** Every group by name with the user's role in each (null where they are not a member). */
export async function listGroups(db: Database, userId: string): Promise<GroupWithRole[]> {
  return db
    .select({ ...groupColumns, role: groupMembers.role, members: memberCount })
    .from(groups)
    .leftJoin(groupMembers, and(eq(groupMembers.groupId, groups.id), eq(groupMembers.userId, userId)))
    .orderBy(groups.name);
}

/** The user's own groups by name, with their role in each. */
export async function listGroupsOf(db: Database, userId: string): Promise<GroupWithRole[]> {
  const rows = await db
    .select({ ...groupColumns, role: groupMembers.role, members: memberCount })
    .from(groups)
    .innerJoin(groupMembers, eq(groupMembers.groupId, groups.id))
    .where(eq(groupMembers.userId, userId))
    .orderBy(groups.name);
  return rows;
}

/** The new group's row; undefined when the name is taken. */
export async function insertGroup(db: Database, row: NewGroup): Promise<GroupRow | undefined> {
  const [inserted] = await db
    .insert(groups)
    .values({ ...row, id: newId() })
    .onConflictDoNothing()
    .returning();
  return inserted;
}

/** The changed row; undefined when no group has that name. */
export async function updateGroup(
  db: Database,
  name: string,
  patch: GroupPatch,
): Promise<GroupRow | undefined> {
  // An empty change is a read: drizzle refuses an UPDATE that sets nothing.
  if (Object.values(patch).every((value) => value === undefined)) return findGroup(db, name);
  const [row] = await db.update(groups).set(patch).where(eq(groups.name, name)).returning();
  return row;
}

/** Members and grants go with it; its series stay, outside any group (ON DELETE SET NULL). */
export async function deleteGroup(db: Database, name: string): Promise<boolean> {
  const rows = await db.delete(groups).where(eq(groups.name, name)).returning({ id: groups.id });
  return rows.length > 0;
}

export function listMembers(db: Database, groupId: string): Promise<GroupMember[]> {
  return db
    .select({ userId: groupMembers.userId, name: users.name, role: groupMembers.role })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(eq(groupMembers.groupId, groupId))
    .orderBy(users.name);
}

/** The user's role in the group, or undefined when they are not in it. */
export async function memberRole(
  db: Database,
  groupId: string,
  userId: string,
): Promise<GroupRole | undefined> {
  const [row] = await db
    .select({ role: groupMembers.role })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
    .limit(1);
  return row?.role;
}

/** Adds the user to the group, or changes their role in it. */
export async function setMember(
  db: Database,
  groupId: string,
  userId: string,
  role: GroupRole,
): Promise<void> {
  await db
    .insert(groupMembers)
    .values({ groupId, userId, role })
    .onConflictDoUpdate({ target: [groupMembers.groupId, groupMembers.userId], set: { role } });
}

/** Whether the user was a member. */
export async function removeMember(db: Database, groupId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
    .returning({ userId: groupMembers.userId });
  return rows.length > 0;
}

export async function groupGrants(db: Database, groupId: string): Promise<GroupGrants> {
  const [apps, hostRows] = await Promise.all([
    db
      .select({ name: groupApplications.application })
      .from(groupApplications)
      .where(eq(groupApplications.groupId, groupId))
      .orderBy(groupApplications.application),
    db
      .select({ name: groupHosts.host })
      .from(groupHosts)
      .where(eq(groupHosts.groupId, groupId))
      .orderBy(groupHosts.host),
  ]);
  return { applications: apps.map((r) => r.name), hosts: hostRows.map((r) => r.name) };
}

/** Grants (idempotent) or revokes an application or a host; the caller checked both exist. */
export async function setGrant(
  db: Database,
  groupId: string,
  grant: { application: string } | { host: string },
  granted: boolean,
): Promise<void> {
  if ('application' in grant) {
    if (granted) {
      await db
        .insert(groupApplications)
        .values({ groupId, application: grant.application })
        .onConflictDoNothing();
    } else {
      await db
        .delete(groupApplications)
        .where(
          and(eq(groupApplications.groupId, groupId), eq(groupApplications.application, grant.application)),
        );
    }
    return;
  }
  if (granted) {
    await db.insert(groupHosts).values({ groupId, host: grant.host }).onConflictDoNothing();
  } else {
    await db.delete(groupHosts).where(and(eq(groupHosts.groupId, groupId), eq(groupHosts.host, grant.host)));
  }
}

/**
 * What the user's groups may use together, or only the one group's when `groupId` is given
 * (a series uses its own group's catalogue). A user in no group may use nothing.
 */
export async function grantsOfUser(db: Database, userId: string, groupId?: string): Promise<GroupGrants> {
  const mine = db
    .select({ id: groupMembers.groupId })
    .from(groupMembers)
    .where(
      groupId === undefined
        ? eq(groupMembers.userId, userId)
        : and(eq(groupMembers.userId, userId), eq(groupMembers.groupId, groupId)),
    );
  const [apps, hostRows] = await Promise.all([
    db
      .selectDistinct({ name: groupApplications.application })
      .from(groupApplications)
      .where(inArray(groupApplications.groupId, mine))
      .orderBy(groupApplications.application),
    db
      .selectDistinct({ name: groupHosts.host })
      .from(groupHosts)
      .where(inArray(groupHosts.groupId, mine))
      .orderBy(groupHosts.host),
  ]);
  return { applications: apps.map((r) => r.name), hosts: hostRows.map((r) => r.name) };
}

/**
 * The one rule of who sees a series, as a condition on `series`: everyone's series, the user's
 * own, and group-only series of the user's groups. Admins are not asked (they see every series).
 */
export function seriesVisibleTo(userId: string): SQL {
  return or(
    eq(series.visibility, 'everyone'),
    eq(series.ownerId, userId),
    sql`${series.groupId} in (select ${groupMembers.groupId} from ${groupMembers} where ${groupMembers.userId} = ${userId})`,
  )!;
}
