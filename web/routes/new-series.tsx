// GET /series/new[?from=<id>|?example=1]: the four-step form, blank, cloned or the example.
import type { Context } from 'hono';
import { and, desc, eq } from 'drizzle-orm';
import { choicesFor } from '../../api/series/resources.ts';
import { applications, hosts, series } from '../../db/schema.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { exampleIni } from '../data/example-sweep.ts';
import { getSeries } from '../data/series.ts';
import { NewSeriesPage, type Prefill } from '../pages/new-series.tsx';

const EXAMPLE_APPLICATION = 'spiral';

export function newSeriesPage(ctx: WebContext) {
  const { db } = ctx;
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const [hostRows, appRows, previousRows] = await Promise.all([
      db
        .select({
          name: hosts.name,
          kind: hosts.kind,
          partition: hosts.partition,
          gpus: hosts.gpus,
          slots: hosts.slots,
          accounts: hosts.accounts,
          qos: hosts.qos,
        })
        .from(hosts)
        .orderBy(hosts.name),
      db
        .select({
          name: applications.name,
          description: applications.description,
          configFile: applications.configFile,
          // The form shows each application's parameter schema beside the editor.
          parameters: applications.parameters,
        })
        .from(applications)
        .orderBy(applications.name),
      // The user's own recent series first: what one usually starts from.
      db
        .select({ id: series.id, description: series.description, createdAt: series.createdAt })
        .from(series)
        .where(and(eq(series.ownerId, user.id)))
        .orderBy(desc(series.createdAt))
        .limit(30),
    ]);
    const fromId = c.req.query('from');
    let prefill: Prefill = { ini: '' };
    if (fromId) {
      const from = await getSeries(db, fromId);
      if (from) {
        prefill = {
          fromId: from.id,
          fromLabel: from.description || from.id,
          ini: from.ini,
          application: from.application,
          host: from.host,
          resources: from.resources,
          description: from.description,
          tags: from.tags,
        };
      }
    } else if (c.req.query('example')) {
      prefill = {
        ini: await exampleIni(),
        application: EXAMPLE_APPLICATION,
        host: 'local',
        description: 'Example: spiral waves',
        tags: ['example'],
      };
    }
    const previous = previousRows.map((r) => ({ id: r.id, label: r.description || r.id }));
    if (prefill.fromId && !previous.some((p) => p.id === prefill.fromId)) {
      previous.unshift({ id: prefill.fromId, label: prefill.fromLabel ?? prefill.fromId });
    }
    return c.html(
      <NewSeriesPage
        user={user}
        csrf={csrf}
        hosts={hostRows.map((h) => ({
          ...h,
          // Only what this user may choose (the API checks the same on launch).
          accounts: choicesFor(h.accounts, user),
          qos: choicesFor(h.qos, user),
        }))}
        applications={appRows.map((a) => ({ ...a, parameters: a.parameters ?? [] }))}
        previous={previous}
        prefill={prefill}
      />,
    );
  };
}
