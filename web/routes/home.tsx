// GET /: the latest series of everyone, filtered and searched.
import type { Context } from 'hono';
import { catalogueOf, mayUseApplication, mayUseHost, seriesViewer } from '../../api/access.ts';
import { hasAnySeries } from '../../db/series.ts';
import { SERIES_STATES, type SeriesState } from '../../core/states.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { cachedCounts } from '../data/counts.ts';
import { hostAndApplicationNames, listSeries } from '../data/series.ts';
import { HomePage } from '../pages/home.tsx';

export const HOME_PAGE_SIZE = 50;

export function homePage(ctx: WebContext) {
  const { db, cache } = ctx;
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const q = c.req.query('q')?.trim().slice(0, 200) || undefined;
    const mine = c.req.query('mine') === '1';
    const stateParam = c.req.query('state');
    const state = (SERIES_STATES as readonly string[]).includes(stateParam ?? '')
      ? (stateParam as SeriesState)
      : undefined;
    const host = c.req.query('host') || undefined;
    const application = c.req.query('application') || undefined;
    // Cursors as the pager wrote them (see data/series.ts); longer text is no cursor of ours.
    const cursor = (name: string) => c.req.query(name)?.slice(0, 500) || undefined;
    const filter = {
      q,
      mine,
      ownerId: mine ? user.id : undefined,
      state,
      host,
      application,
      limit: HOME_PAGE_SIZE,
      after: cursor('after'),
      before: cursor('before'),
    };
    const [{ rows, older, newer }, names, catalogue] = await Promise.all([
      listSeries(db, { ...filter, visibleTo: seriesViewer(user) }),
      hostAndApplicationNames(db),
      catalogueOf(db, user),
    ]);
    const counts = await cachedCounts(db, cache, rows);
    const firstPage = filter.after === undefined && filter.before === undefined;
    const nothingYet = rows.length === 0 && firstPage && !(await hasAnySeries(db));
    return c.html(
      <HomePage
        user={user}
        csrf={csrf}
        filter={filter}
        rows={rows}
        counts={counts}
        older={older}
        newer={newer}
        hosts={names.hosts.filter((name) => mayUseHost(catalogue, name))}
        applications={names.applications.filter((name) => mayUseApplication(catalogue, name))}
        nothingYet={nothingYet}
      />,
    );
  };
}
