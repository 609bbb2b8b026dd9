// GET /series/:id/results (the Results tab: table and plot) and GET /series/:id/results/plot.svg
// (the same plot as a standalone SVG: the download, and what results.js draws into a PNG).
// A bad sort, filter or plot choice is shown on the page, naming what is wrong.
import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { InvalidRequestError } from '../../core/errors.ts';
import {
  aggregateResults,
  resultNames,
  resultsPage,
  scatterPoints,
  type ResultNames,
} from '../../db/results.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { seriesVersion, ttlFor } from '../data/cache.ts';
import { sweepOfSeries } from '../data/sweeps.ts';
import { ResultsPage, type PlotChoice } from '../pages/results/page.tsx';
import { Heatmap, LinePlot, Scatter, type Links } from '../pages/results/plots.tsx';
import { seriesOr404 } from './series.tsx';
import type { SeriesRow } from '../data/series.ts';

export const RESULTS_PAGE_SIZE = 50;
/** Points of a scatter plot: a page of runs, not the series (SVG stays quick at this size). */
export const SCATTER_POINTS = 5000;

const PLOT_KINDS = ['line', 'heatmap', 'scatter'] as const;

/** The plot the query asks for, with defaults from the series' names. */
export function plotChoice(query: (k: string) => string | undefined, names: ResultNames): PlotChoice {
  const [p0, p1] = names.parameters;
  const [m0, m1] = names.metrics;
  const kind = PLOT_KINDS.find((k) => k === query('plot')) ?? 'line';
  return {
    kind,
    metric: query('metric') || m0 || '',
    x: query('x') || p0 || '',
    line: query('line') ?? p1 ?? '',
    y: query('y') || p1 || p0 || '',
    mx: query('mx') || m0 || '',
    my: query('my') || m1 || m0 || '',
    color: query('color') ?? p0 ?? '',
  };
}

function linksOf(seriesId: string, filter: string | undefined): Links {
  const base = `/series/${encodeURIComponent(seriesId)}`;
  return {
    run: (index) => `${base}/runs/${index}`,
    runsWith: (values) => {
      const clauses = Object.entries(values).map(
        ([k, v]) => `"${k.replaceAll('"', '\\"')}" = "${(v ?? '').replaceAll('"', '\\"')}"`,
      );
      const all = filter?.trim() ? [filter.trim(), ...clauses] : clauses;
      return `${base}/results?filter=${encodeURIComponent(all.join(' and '))}#table`;
    },
  };
}

/** The plot's SVG element, or undefined when the series has nothing to plot yet. */
async function renderPlot(
  ctx: WebContext,
  row: SeriesRow,
  names: ResultNames,
  choice: PlotChoice,
  filter: string | undefined,
): Promise<JSX.Element | undefined> {
  if (names.metrics.length === 0 || names.parameters.length === 0) return undefined;
  const links = linksOf(row.id, filter);
  const key = `results:${seriesVersion(row)}:${JSON.stringify([choice, filter])}`;
  if (choice.kind === 'scatter') {
    const points = await ctx.cache.get(key, ttlFor(row.state), () =>
      scatterPoints(ctx.db, row.id, names, {
        x: choice.mx,
        y: choice.my,
        color: choice.color || undefined,
        filter,
        limit: SCATTER_POINTS,
      }),
    );
    return (
      <Scatter points={points} x={choice.mx} y={choice.my} color={choice.color || undefined} links={links} />
    );
  }
  const by =
    choice.kind === 'heatmap' ? [choice.x, choice.y] : choice.line ? [choice.x, choice.line] : [choice.x];
  if (new Set(by).size !== by.length)
    throw new InvalidRequestError(
      `${choice.kind === 'heatmap' ? 'y' : 'line'}: choose a parameter other than ${choice.x}`,
    );
  const groups = await ctx.cache.get(key, ttlFor(row.state), () =>
    aggregateResults(ctx.db, row.id, names, { by, metric: choice.metric, filter }),
  );
  return choice.kind === 'heatmap' ? (
    <Heatmap groups={groups} x={choice.x} y={choice.y} metric={choice.metric} links={links} />
  ) : (
    <LinePlot
      groups={groups}
      x={choice.x}
      line={choice.line || undefined}
      metric={choice.metric}
      links={links}
    />
  );
}

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
      orMessage(() => renderPlot(ctx, row, names, choice, filter)),
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
    const plot = await renderPlot(
      ctx,
      row,
      names,
      plotChoice((k) => c.req.query(k), names),
      filter,
    );
    if (!plot) return c.text('no metrics to plot yet', 404);
    c.header('content-type', 'image/svg+xml; charset=utf-8');
    c.header('content-disposition', `inline; filename="series-${row.id}-plot.svg"`);
    const svg = await Promise.resolve(plot.toString());
    return c.body(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}`);
  };
}
