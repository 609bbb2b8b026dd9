// GET /compare?a=ID&b=ID[&metric=M][&after=I]: the comparison page (web/pages/compare/). Without
// both ids, the form alone; an id that is no id, the form with why (400); a series the user may
// not see, not found (404), as everywhere.
import type { Context } from 'hono';
import { raw } from 'hono/html';
import { InvalidRequestError } from '../../core/errors.ts';
import { comparePair, loadPair, type Comparison, type SeriesPair } from '../../api/series/compare.ts';
import { pairedValues } from '../../db/compare.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { seriesVersion, ttlFor } from '../data/cache.ts';
import { DeltaPlot } from '../pages/compare/delta-plot.tsx';
import { ComparePage } from '../pages/compare/page.tsx';
import { SCATTER_POINTS } from './results-plot.tsx';

/** Examples of added and removed tuples, and rows of the per-tuple deltas, per page. */
export const COMPARE_PAGE_ROWS = 50;

function afterParam(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1 ? n : undefined;
}

/** The metric to plot: the one asked for when it has values in both series, else the first that does. */
function plottedMetric(comparison: Comparison, asked: string | undefined): string | undefined {
  const plottable = comparison.metrics.filter((m) => m.count > 0).map((m) => m.name);
  return plottable.find((m) => m === asked) ?? plottable[0];
}

async function plotOf(ctx: WebContext, pair: SeriesPair, metric: string): Promise<string> {
  const points = await pairedValues(ctx.db, pair.sides, metric, SCATTER_POINTS);
  const plot = (
    <DeltaPlot
      points={points}
      metric={metric}
      a={pair.a.id}
      b={pair.b.id}
      runOfB={(index) => `/series/${encodeURIComponent(pair.b.id)}/runs/${index}`}
    />
  );
  return plot.toString();
}

/**
 * The comparison and its plot's markup, kept in the web cache per version of both series: both
 * read every run of the two series (a minute at 1,000,000 runs on a loaded machine), and a
 * finished pair's answer never changes. Visibility is checked before (loadPair), every request.
 */
function comparedPair(
  ctx: WebContext,
  pair: SeriesPair,
  after: number | undefined,
  asked: string | undefined,
) {
  const key = `compare:${seriesVersion(pair.a)}:${seriesVersion(pair.b)}:${JSON.stringify([after ?? null, asked ?? null])}`;
  const ttl = Math.min(ttlFor(pair.a.state), ttlFor(pair.b.state));
  return ctx.cache.get(key, ttl, async () => {
    const comparison = await comparePair(ctx.db, pair, { limit: COMPARE_PAGE_ROWS, after });
    const metric = plottedMetric(comparison, asked);
    const plot = metric ? await plotOf(ctx, pair, metric) : undefined;
    return { comparison, metric, plot };
  });
}

export function comparePage(ctx: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const a = (c.req.query('a') ?? '').trim();
    const b = (c.req.query('b') ?? '').trim();
    const form = { user, csrf, a, b };
    if (!a || !b) return c.html(<ComparePage {...form} />);
    let pair: SeriesPair;
    try {
      pair = await loadPair(ctx.db, ctx.config.maxTuples, user, a, b);
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      return c.html(<ComparePage {...form} error={error.message} />, 400);
    }
    const after = afterParam(c.req.query('after'));
    const { comparison, metric, plot } = await comparedPair(ctx, pair, after, c.req.query('metric'));
    return c.html(
      <ComparePage
        {...form}
        comparison={comparison}
        metric={metric}
        plot={plot === undefined ? undefined : raw(plot)}
        after={after}
      />,
    );
  };
}
