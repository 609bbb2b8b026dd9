// GET /series/:id/results (the Results tab: table and plot) and GET /series/:id/results/plot.svg
// (the same plot as a standalone SVG: the download, and what results.js draws into a PNG).
// A bad sort, filter or plot choice is shown on the page, naming what is wrong.
import type { Context } from 'hono';
import { raw } from 'hono/html';
import { InvalidRequestError } from '../../core/errors.ts';
import { resultNames, resultsPage, type ResultNames } from '../../db/results.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { sweepOfSeries } from '../data/sweeps.ts';
import { ResultsPage } from '../pages/results/page.tsx';
import { plotChoice, plotEtag, plotSvg } from './results-plot.tsx';
import { seriesOr404 } from './series.tsx';
import type { SeriesRow } from '../data/series.ts';

export const RESULTS_PAGE_SIZE = 50;

async function namesOf(ctx: WebContext, row: SeriesRow): Promise<ResultNames> {
  const sweep = sweepOfSeries(row.id, row.ini, Math.max(ctx.config.maxTuples, row.count));
  return resultNames(
    ctx.db,
    row.id,
    sweep.parameters.map((p) => p.name),
  );
}

/** Runs `fn`; a refused sort, filter or choice becomes its message (shown on the page). */
async function orMessage<T>(fn: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof InvalidRequestError) return { error: error.message };
    throw error;
  }
}

export function resultsTab(ctx: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const row = await seriesOr404(ctx, c.req.param('id')!, user);
    const names = await namesOf(ctx, row);
    const sort = c.req.query('sort') || undefined;
    const filter = c.req.query('filter') || undefined;
    const cursor = c.req.query('cursor') || undefined;
    const choice = plotChoice((k) => c.req.query(k), names);
    const [page, plot] = await Promise.all([
      orMessage(() => resultsPage(ctx.db, row.id, names, { sort, filter, cursor, limit: RESULTS_PAGE_SIZE })),
      orMessage(async () => {
        const svg = await plotSvg(ctx, row, names, choice, filter);
        return svg === undefined ? undefined : raw(svg);
      }),
    ]);
    return c.html(
      <ResultsPage
        user={user}
        csrf={csrf}
        series={row}
        names={names}
        sort={sort}
        filter={filter}
        page={page}
        plot={plot}
        choice={choice}
        plotQuery={new URL(c.req.url).search}
      />,
    );
  };
}

export function resultsPlotSvg(ctx: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser) => {
    const row = await seriesOr404(ctx, c.req.param('id')!, user);
    const names = await namesOf(ctx, row);
    const filter = c.req.query('filter') || undefined;
    const choice = plotChoice((k) => c.req.query(k), names);
    const etag = plotEtag(row, choice, filter);
    if (etag) {
      c.header('etag', etag);
      c.header('cache-control', 'private, no-cache');
      if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    }
    const svg = await plotSvg(ctx, row, names, choice, filter);
    if (svg === undefined) return c.text('no metrics to plot yet', 404);
    c.header('content-type', 'image/svg+xml; charset=utf-8');
    c.header('content-disposition', `inline; filename="series-${row.id}-plot.svg"`);
    return c.body(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}`);
  };
}
