// /api/v1/me/…: the signed-in user's notifications (the bell's entries of their own series),
// their settings (address, events, mail on or off), webhooks and the log of deliveries.
// A webhook's signing secret is derived from the server's key (activities/notify/webhook-key.ts)
// and answered once, at creation; its URL is checked against SSRF (webhook-target.ts).
import { createRoute, z } from '@hono/zod-openapi';
import { NOTIFY_EVENTS, DEFAULT_NOTIFY_EVENTS } from '../../activities/notify/notify-series.ts';
import { webhookKey, webhookSecret } from '../../activities/notify/webhook-key.ts';
import {
  MAX_WEBHOOK_URL_LENGTH,
  parseWebhookUrl,
  resolveWebhookTarget,
  WebhookTargetError,
} from '../../activities/notify/webhook-target.ts';
import { newId } from '../../db/ids.ts';
import {
  countUnreadNotifications,
  deleteWebhook,
  findNotifyPreferences,
  insertWebhook,
  listDeliveries,
  listNotifications,
  listWebhooks,
  markNotificationsRead,
  updateNotifyPreferences,
} from '../../db/notifications.ts';
import { currentUser, requireUser } from '../auth.ts';
import type { ApiDeps } from '../context.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { createRouter, jsonBody, jsonResponse, pick, signedIn } from '../openapi.ts';
import { IdParam } from '../schemas.ts';

/** A user's webhooks at most: each event is posted to every one. */
export const MAX_WEBHOOKS_PER_USER = 10;

const EventSchema = z.enum(NOTIFY_EVENTS).openapi('NotifyEvent');

const SettingsSchema = z
  .object({
    email: z.email().max(254).nullable().openapi({ description: 'Where mail goes; null: none' }),
    sendEmail: z.boolean().openapi({ description: 'Mail the chosen events to `email`' }),
    events: z
      .array(EventSchema)
      .max(NOTIFY_EVENTS.length)
      .openapi({ description: 'Events delivered by mail and webhooks (the bell shows every event)' }),
  })
  .openapi('NotificationSettings');

const NotificationSchema = z
  .object({
    id: z.string(),
    seriesId: z.string(),
    seriesDescription: z.string(),
    seriesState: z.string(),
    event: EventSchema,
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');

const WebhookSchema = z.object({ id: z.string(), url: z.string(), createdAt: z.string() }).openapi('Webhook');

const DeliverySchema = z
  .object({
    id: z.string(),
    channel: z.enum(['email', 'webhook']),
    target: z.string().openapi({ description: 'The address, or the webhook id' }),
    state: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    event: EventSchema,
    seriesId: z.string(),
  })
  .openapi('Delivery');

const limitQuery = (max: number, fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .openapi({ param: { name: 'limit', in: 'query' } });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function notificationRoutes(deps: ApiDeps) {
  const { db, config } = deps;
  const app = createRouter();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/notifications/settings',
      tags: ['notifications'],
      summary: 'My notification settings',
      security: signedIn,
      responses: {
        200: jsonResponse(
          SettingsSchema.extend({
            smtpConfigured: z.boolean().openapi({ description: 'Whether this server sends mail at all' }),
          }),
          'The settings',
        ),
        ...pick(401),
      },
    }),
    async (c) => {
      const preferences = await findNotifyPreferences(db, currentUser(c).id);
      return c.json(
        {
          email: preferences?.email ?? null,
          sendEmail: preferences?.notify.email ?? false,
          events: [...(preferences?.notify.events ?? DEFAULT_NOTIFY_EVENTS)],
          smtpConfigured: config.notify.smtp !== undefined,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/notifications/settings',
      tags: ['notifications'],
      summary: 'Replace my notification settings',
      security: signedIn,
      request: { body: jsonBody(SettingsSchema) },
      responses: { 200: jsonResponse(SettingsSchema, 'The settings as stored'), ...pick(400, 401) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.sendEmail && !body.email) throw badRequest('email: needed when sendEmail is true');
      const events = NOTIFY_EVENTS.filter((e) => body.events.includes(e));
      await updateNotifyPreferences(db, currentUser(c).id, {
        email: body.email,
        notify: { email: body.sendEmail, events },
      });
      return c.json({ email: body.email, sendEmail: body.sendEmail, events }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/notifications',
      tags: ['notifications'],
      summary: 'My notifications (the bell), newest first, and how many are unread',
      security: signedIn,
      request: {
        query: z.object({
          limit: limitQuery(200, 20),
          unread: z
            .enum(['true', 'false'])
            .optional()
            .openapi({ param: { name: 'unread', in: 'query' }, description: 'true: unread ones only' }),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({ notifications: z.array(NotificationSchema), unread: z.number().int() }),
          'The notifications',
        ),
        ...pick(400, 401),
      },
    }),
    async (c) => {
      const { limit, unread } = c.req.valid('query');
      const userId = currentUser(c).id;
      const [rows, unreadCount] = await Promise.all([
        listNotifications(db, userId, { limit, unreadOnly: unread === 'true' }),
        countUnreadNotifications(db, userId),
      ]);
      return c.json(
        {
          notifications: rows.map((n) => ({
            ...n,
            createdAt: n.createdAt.toISOString(),
            readAt: iso(n.readAt),
          })),
          unread: unreadCount,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/notifications/read',
      tags: ['notifications'],
      summary: 'Mark some or all of my notifications read',
      security: signedIn,
      request: {
        body: jsonBody(
          z.union([
            z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(200) }).strict(),
            z.object({ all: z.literal(true) }).strict(),
          ]),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ marked: z.number().int(), unread: z.number().int() }), 'Marked'),
        ...pick(400, 401),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const userId = currentUser(c).id;
      const marked = await markNotificationsRead(db, userId, 'all' in body ? 'all' : body.ids);
      return c.json({ marked, unread: await countUnreadNotifications(db, userId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks',
      tags: ['notifications'],
      summary: 'My webhooks (never their secrets)',
      security: signedIn,
      responses: {
        200: jsonResponse(z.object({ webhooks: z.array(WebhookSchema) }), 'The webhooks'),
        ...pick(401),
      },
    }),
    async (c) => {
      const rows = await listWebhooks(db, currentUser(c).id);
      return c.json(
        { webhooks: rows.map((w) => ({ id: w.id, url: w.url, createdAt: w.createdAt.toISOString() })) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks',
      tags: ['notifications'],
      summary: 'Add a webhook; the answer is the only time its signing secret is shown',
      description:
        'The URL must be http(s) and must not resolve to this server, loopback, link-local or ' +
        'cloud metadata addresses (unless an admin allowed them with TUPLET_WEBHOOK_ALLOW).',
      security: signedIn,
      request: {
        body: jsonBody(
          z.object({
            url: z
              .string()
              .min(1)
              .max(MAX_WEBHOOK_URL_LENGTH)
              .openapi({ example: 'https://chat.example.org/hooks/tuplet' }),
          }),
        ),
      },
      responses: {
        201: jsonResponse(
          WebhookSchema.extend({
            secret: z.string().openapi({ description: 'HMAC-SHA256 key of X-Tuplet-Signature, shown once' }),
          }),
          'The webhook and its secret',
        ),
        ...pick(400, 401, 409),
      },
    }),
    async (c) => {
      const userId = currentUser(c).id;
      let url: URL;
      try {
        url = parseWebhookUrl(c.req.valid('json').url);
        await resolveWebhookTarget(url, config.notify.webhookAllow);
      } catch (error) {
        if (error instanceof WebhookTargetError) throw badRequest(error.message);
        throw error;
      }
      if ((await listWebhooks(db, userId)).length >= MAX_WEBHOOKS_PER_USER) {
        throw conflict(`you have ${MAX_WEBHOOKS_PER_USER} webhooks, the most allowed; delete one first`);
      }
      const created = await insertWebhook(db, { id: newId(), userId, url: url.toString() });
      const secret = webhookSecret(await webhookKey(config), created.id);
      return c.json(
        { id: created.id, url: created.url, createdAt: created.createdAt.toISOString(), secret },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      tags: ['notifications'],
      summary: 'Delete one of my webhooks (its secret ends with it)',
      security: signedIn,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...pick(401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteWebhook(db, id, currentUser(c).id))) throw notFound(`webhook '${id}'`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/deliveries',
      tags: ['notifications'],
      summary: 'The log of my notifications’ deliveries by mail and webhook, newest first',
      security: signedIn,
      request: { query: z.object({ limit: limitQuery(500, 50) }) },
      responses: {
        200: jsonResponse(z.object({ deliveries: z.array(DeliverySchema) }), 'The deliveries'),
        ...pick(400, 401),
      },
    }),
    async (c) => {
      const rows = await listDeliveries(db, currentUser(c).id, c.req.valid('query').limit);
      return c.json(
        {
          deliveries: rows.map((d) => ({
            ...d,
            createdAt: d.createdAt.toISOString(),
            deliveredAt: iso(d.deliveredAt),
          })),
        },
        200,
      );
    },
  );

  return app;
}
