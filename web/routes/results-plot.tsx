// The Results tab's plot as SVG markup: drawn once per series version, plot choice and filter, and
// then served from the web cache (web/data/cache.ts) — a finished series' results never change
// (a rerun changes its state and attempt, so the key), so neither do its plots. GET
// /series/:id/results/plot.svg (web/routes/results.tsx) serves the same markup standalone (the
// download, and what results.js draws into a PNG) with an ETag for a finished series (plotEtag),
// so a browser that has it gets a 304.
import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../../core/errors.ts';
import { FINAL_SERIES_STATES } from '../../core/states.ts';
import { NUMBER_TEXT } from '../../db/results-filter.ts';
import { aggregateResults, scatterPoints, type ResultNames } from '../../db/results.ts';
import type { WebContext } from '../context.ts';
import { seriesVersion, ttlFor } from '../data/cache.ts';
import type { SeriesRow } from '../data/series.ts';
import type { PlotChoice } from '../pages/results/page.tsx';
import { Heatmap, LinePlot, Scatter, type Links } from '../pages/results/plots.tsx';

/**
 * Points of a scatter plot (and of the comparison's): the first runs by index, not the series.
 * Each is a linked, titled mark of about 150 bytes; 2,000 keep the page under half a megabyte.
 */
export const SCATTER_POINTS = 2000;

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

/** A filter value: bare when it reads as a number (compared as one), else quoted (as text). */
const literal = (v: string) => (NUMBER_TEXT.test(v) ? v : `"${v.replaceAll('"', '\\"')}"`);
const quoted = (v: string) => `"${v.replaceAll('"', '\\"')}"`;

/** Where a plot's marks lead: a run, or the results table filtered to a block of values. */
export function linksOf(seriesId: string, filter: string | undefined): Links {
  const base = `/series/${encodeURIComponent(seriesId)}`;
  return {
    run: (index) => `${base}/runs/${index}`,
    runsIn: (span) => {
      const clauses = Object.entries(span).map(([k, [first, last]]) =>
        first === last
          ? `${quoted(k)} = ${quoted(first)}`
          : `${quoted(k)} >= ${literal(first)} and ${quoted(k)} <= ${literal(last)}`,
      );
      const all = filter?.trim() ? [filter.trim(), ...clauses] : clauses;
      return `${base}/results?filter=${encodeURIComponent(all.join(' and '))}#table`;
    },
  };
}

/** The plot's markup, drawn from the aggregates (or the first runs' points). */
async function drawPlot(
  ctx: WebContext,
  row: SeriesRow,
  names: ResultNames,
  choice: PlotChoice,
  filter: string | undefined,
): Promise<string> {
  const links = linksOf(row.id, filter);
  if (choice.kind === 'scatter') {
    const points = await scatterPoints(ctx.db, row.id, names, {
      x: choice.mx,
      y: choice.my,
      color: choice.color || undefined,
      filter,
      limit: SCATTER_POINTS,
    });
    const plot = (
      <Scatter
        points={points}
        x={choice.mx}
        y={choice.my}
        color={choice.color || undefined}
        links={links}
        limit={SCATTER_POINTS}
      />
    );
    return plot.toString();
  }
  const by =
    choice.kind === 'heatmap' ? [choice.x, choice.y] : choice.line ? [choice.x, choice.line] : [choice.x];
  const groups = await aggregateResults(ctx.db, row.id, names, { by, metric: choice.metric, filter });
  const plot =
    choice.kind === 'heatmap' ? (
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
  return plot.toString();
}

const plotKey = (row: SeriesRow, choice: PlotChoice, filter: string | undefined) =>
  `results-svg:${seriesVersion(row)}:${JSON.stringify([choice, filter])}`;

/** The plot's SVG markup, or undefined when the series has nothing to plot yet. */
export async function plotSvg(
  ctx: WebContext,
  row: SeriesRow,
  names: ResultNames,
  choice: PlotChoice,
  filter: string | undefined,
): Promise<string | undefined> {
  if (names.metrics.length === 0 || names.parameters.length === 0) return undefined;
  if (choice.kind !== 'scatter' && choice.x === (choice.kind === 'heatmap' ? choice.y : choice.line))
    throw new InvalidRequestError(
      `${choice.kind === 'heatmap' ? 'y' : 'line'}: choose a parameter other than ${choice.x}`,
    );
  return ctx.cache.get(plotKey(row, choice, filter), ttlFor(row.state), () =>
    drawPlot(ctx, row, names, choice, filter),
  );
}

/**
 * The ETag of a finished series' plot (its markup is a function of the key), or undefined while
 * the series runs: its results change under one version then.
 */
export function plotEtag(row: SeriesRow, choice: PlotChoice, filter: string | undefined): string | undefined {
  if (!FINAL_SERIES_STATES.includes(row.state)) return undefined;
  return `"${createHash('sha256')
    .update(plotKey(row, choice, filter))
    .digest('base64url')
    .slice(0, 27)}"`;
}
