// GET /series/new[?from=<id>|?example=1]: the four-step form, blank, cloned or the example.
import type { Context } from 'hono';
import { catalogueOf, seriesViewer, visibleHosts } from '../../api/access.ts';
import { launchableApplications } from '../../api/launchable-applications.ts';
import { isAdmin } from '../../api/auth.ts';
import { choicesFor } from '../../api/series/resources.ts';
import { listGroupsOf } from '../../db/groups.ts';
import { listApplications } from '../../db/applications.ts';
import { listHostOptions } from '../../db/hosts.ts';
import { recentSeriesOf } from '../../db/series.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { exampleIni } from '../data/example-sweep.ts';
import { getSeries } from '../data/series.ts';
import { NewSeriesPage, type Prefill } from '../pages/new-series.tsx';

const EXAMPLE_APPLICATION = 'spiral';

export function newSeriesPage(ctx: WebContext) {
  const { db } = ctx;
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const [hostRows, appRows, previousRows, catalogue, groups] = await Promise.all([
      listHostOptions(db),
      // Whole rows: the form shows each application's parameter schema beside the editor.
      listApplications(db),
      // The user's own recent series first: what one usually starts from.
      recentSeriesOf(db, user.id, 30),
      // Only what the user's groups may use (api/access.ts; the API checks the same on launch).
      catalogueOf(db, user),
      listGroupsOf(db, user.id),
    ]);
    const fromId = c.req.query('from');
    let prefill: Prefill = { ini: '' };
    if (fromId) {
      const from = await getSeries(db, fromId, seriesViewer(user));
      if (from) {
        prefill = {
          fromId: from.id,
          fromLabel: from.description || from.id,
          ini: from.ini,
          application: from.application,
          host: from.host,
          hosts: from.hosts.filter((name) => name !== from.host),
          resources: from.resources,
          description: from.description,
          tags: from.tags,
          ...(from.groupName ? { group: from.groupName } : {}),
          visibility: from.visibility,
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
        groups={groups.map((g) => g.name)}
        // The rule of api/series/priority.ts, for what the form offers; the API still decides.
        highPriority={isAdmin(user) ? 'any' : groups.filter((g) => g.highPriority).map((g) => g.name)}
        hosts={visibleHosts(catalogue, hostRows).map((h) => ({
          ...h,
          // Only what this user may choose (the API checks the same on launch).
          accounts: choicesFor(h.accounts, user),
          qos: choicesFor(h.qos, user),
        }))}
        // Only what creation would accept: own code only where a group of the user allows it.
        applications={(await launchableApplications(db, user, appRows, groups)).map(
          ({ name, description, configFile, parameters, hosts }) => ({
            name,
            description,
            configFile,
            parameters: parameters ?? [],
            hosts,
          }),
        )}
        previous={previous}
        prefill={prefill}
      />,
    );
  };
}
