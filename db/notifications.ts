// Notification queries: a user's settings (users.email, users.notify), the bell's entries
// (notifications), webhooks (their signing secrets are derived, never stored) and the log of
// each delivery by mail or webhook (deliveries). Writes the control activities make are
// idempotent (an activity may run twice): rows carry ids derived from what they record.
import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import {
  deliveries,
  notifications,
  series,
  users,
  webhooks,
  type NotifyEvent,
  type NotifySettings,
} from './schema.ts';

export type { NotifyEvent, NotifySettings } from './schema.ts';
export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type DeliveryChannel = DeliveryRow['channel'];

export interface NotifyPreferences {
  email: string | null;
  notify: NotifySettings;
}

export async function findNotifyPreferences(
  db: Database,
  userId: string,
): Promise<NotifyPreferences | undefined> {
  const [row] = await db
    .select({ email: users.email, notify: users.notify })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/** Replaces the user's address (null: none) and choice of events and channels. */
export async function updateNotifyPreferences(
  db: Database,
  userId: string,
  preferences: NotifyPreferences,
): Promise<void> {
  await db
    .update(users)
    .set({ email: preferences.email, notify: preferences.notify })
    .where(eq(users.id, userId));
}

export interface NewDelivery {
  id: string;
  channel: DeliveryChannel;
  target: string;
}

/**
 * Records a notification and its deliveries; a second call with the same ids changes nothing.
 * Answers the deliveries of the notification not yet delivered or given up (those the
 * delivery workflow has to carry out).
 */
export async function recordNotification(
  db: Database,
  notification: { id: string; userId: string; seriesId: string; event: NotifyEvent },
  planned: readonly NewDelivery[],
): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.insert(notifications).values(notification).onConflictDoNothing();
    if (planned.length > 0) {
      await tx
        .insert(deliveries)
        .values(planned.map((d) => ({ ...d, notificationId: notification.id })))
        .onConflictDoNothing();
    }
    const open = await tx
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.notificationId, notification.id), eq(deliveries.state, 'pending')))
      .orderBy(deliveries.id);
    return open.map((d) => d.id);
  });
}

export interface NotificationEntry {
  id: string;
  seriesId: string;
  seriesDescription: string;
  seriesState: string;
  event: NotifyEvent;
  createdAt: Date;
  readAt: Date | null;
}

/** The user's newest notifications (the bell's list), newest first. */
export function listNotifications(
  db: Database,
  userId: string,
  options: { limit: number; unreadOnly?: boolean },
): Promise<NotificationEntry[]> {
  return db
    .select({
      id: notifications.id,
      seriesId: notifications.seriesId,
      seriesDescription: series.description,
      seriesState: series.state,
      event: notifications.event,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .innerJoin(series, eq(series.id, notifications.seriesId))
    .where(
      and(eq(notifications.userId, userId), options.unreadOnly ? isNull(notifications.readAt) : undefined),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.limit);
}

export async function countUnreadNotifications(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks the user's notifications read: those of `ids`, or all of them. Answers how many changed. */
export async function markNotificationsRead(
  db: Database,
  userId: string,
  ids: readonly string[] | 'all',
): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  const changed = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        ids === 'all' ? undefined : inArray(notifications.id, [...ids]),
      ),
    )
    .returning({ id: notifications.id });
  return changed.length;
}

// Webhooks

export async function insertWebhook(db: Database, row: { id: string; userId: string; url: string }) {
  const [created] = await db.insert(webhooks).values(row).returning();
  return created!;
}

export function listWebhooks(db: Database, userId: string): Promise<WebhookRow[]> {
  return db.select().from(webhooks).where(eq(webhooks.userId, userId)).orderBy(webhooks.createdAt);
}

export async function findWebhook(db: Database, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id)).limit(1);
  return row;
}

/** Deletes one of the user's webhooks; false when the user has none with this id. */
export async function deleteWebhook(db: Database, id: string, userId: string): Promise<boolean> {
  const gone = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.userId, userId)))
    .returning({ id: webhooks.id });
  return gone.length > 0;
}

// Deliveries

/** The facts of a series that a notification's message states. */
export interface NotifiedSeries {
  id: string;
  description: string;
  state: string;
  reason: string | null;
  /** Why it waits (a held series: the quota, the host's load or pool, the scheduler). */
  waitReason: string | null;
  count: number;
  ownerName: string;
}

/** A delivery with what its message says: the event, the series and its owner. */
export interface DeliveryJob {
  delivery: DeliveryRow;
  event: NotifyEvent;
  notifiedAt: Date;
  userId: string;
  series: NotifiedSeries;
}

export async function findDeliveryJob(db: Database, id: string): Promise<DeliveryJob | undefined> {
  const [row] = await db
    .select({
      delivery: deliveries,
      event: notifications.event,
      notifiedAt: notifications.createdAt,
      userId: notifications.userId,
      series: {
        id: series.id,
        description: series.description,
        state: series.state,
        reason: series.reason,
        waitReason: series.waitReason,
        count: series.count,
        ownerName: users.name,
      },
    })
    .from(deliveries)
    .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
    .innerJoin(series, eq(series.id, notifications.seriesId))
    .innerJoin(users, eq(users.id, series.ownerId))
    .where(eq(deliveries.id, id))
    .limit(1);
  return row;
}

/**
 * Counts one attempt of a pending delivery: delivered (error null) or failed with `error`. A
 * delivery that gets through keeps the error of the attempt before, which the log shows.
 */
export async function recordDeliveryAttempt(db: Database, id: string, error: string | null): Promise<void> {
  await db
    .update(deliveries)
    .set({
      attempts: sql`${deliveries.attempts} + 1`,
      ...(error === null ? { state: 'delivered' as const, deliveredAt: sql`now()` } : { lastError: error }),
    })
    .where(and(eq(deliveries.id, id), eq(deliveries.state, 'pending')));
}

/** No more attempts: the delivery stays `failed` with its last error. */
export async function giveUpDelivery(db: Database, id: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ state: 'failed' })
    .where(and(eq(deliveries.id, id), eq(deliveries.state, 'pending')));
}

export interface DeliveryLogEntry {
  id: string;
  channel: DeliveryChannel;
  target: string;
  state: DeliveryRow['state'];
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  event: NotifyEvent;
  seriesId: string;
}

/** The user's newest deliveries, newest first. */
export function listDeliveries(db: Database, userId: string, limit: number): Promise<DeliveryLogEntry[]> {
  return db
    .select({
      id: deliveries.id,
      channel: deliveries.channel,
      target: deliveries.target,
      state: deliveries.state,
      attempts: deliveries.attempts,
      lastError: deliveries.lastError,
      createdAt: deliveries.createdAt,
      deliveredAt: deliveries.deliveredAt,
      event: notifications.event,
      seriesId: notifications.seriesId,
    })
    .from(deliveries)
    .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
    .where(eq(notifications.userId, userId))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(limit);
}
