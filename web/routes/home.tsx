// GET /: the latest series of everyone, filtered and searched.
import type { Context } from 'hono';
import { count } from 'drizzle-orm';
import { series } from '../../db/schema.ts';
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
    const pageNumber = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const filter = {
      q,
      mine,
      ownerId: mine ? user.id : undefined,
      state,
      host,
      application,
      limit: HOME_PAGE_SIZE,
      offset: (pageNumber - 1) * HOME_PAGE_SIZE,
    };
    const [{ rows, more }, names] = await Promise.all([listSeries(db, filter), hostAndApplicationNames(db)]);
    const counts = await cachedCounts(db, cache, rows);
    const nothingYet =
      rows.length === 0 && pageNumber === 1 && (await db.select({ n: count() }).from(series))[0]?.n === 0;
    return c.html(
      <HomePage
        user={user}
        csrf={csrf}
        filter={filter}
        rows={rows}
        counts={counts}
        more={more}
        page={pageNumber}
        hosts={names.hosts}
        applications={names.applications}
        nothingYet={nothingYet}
      />,
    );
  };
}
