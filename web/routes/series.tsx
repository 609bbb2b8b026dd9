// GET /series/:id and GET /series/:id/runs/:index.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { seriesViewer } from '../../api/access.ts';
import { canModifySeries } from '../../api/auth.ts';
import type { Config } from '../../config.ts';
import { renderTuple } from '../../sweep/index.ts';
import { RUN_STATES, type RunState } from '../../core/states.ts';
import type { AuthUser, WebContext, WebDeps, WebEnv } from '../context.ts';
import { seriesVersion, ttlFor } from '../data/cache.ts';
import { cachedCounts } from '../data/counts.ts';
import { getSeries, type SeriesRow } from '../data/series.ts';
import { storageOf } from '../../files/storage/index.ts';
import { isRefused, readSeriesSlice } from '../data/storage.ts';
import { sweepOfSeries } from '../data/sweeps.ts';
import { runFiles } from '../../db/files.ts';
import { emptyCounts, getRun, metricNames, runsPage } from '../../db/runs.ts';
import { RunPage, type RunFileView } from '../pages/run.tsx';
import { SeriesPage } from '../pages/series.tsx';
import { loadPostprocessView } from '../data/postprocess.ts';
import { readSetupLog } from '../../files/setup-log.ts';
import { loadPreview } from '../previews/file.tsx';
import { netCdfChoice } from '../previews/netcdf-preview.ts';
import { netCdfSvg } from './netcdf-svg.tsx';
import { isImage } from '../../files/content-type.ts';
import { originalOf } from '../../db/reuse.ts';
import { reusedView } from '../pages/run/reused.tsx';
import { seriesLineage } from '../../db/lineage.ts';
import { runsPerHost } from '../data/host-split.ts';

export const RUNS_PAGE_SIZE = 50;
const OUTPUT_TAIL_BYTES = 16 * 1024;
const PREVIEWED_FILES = 12;
/** A run that wrote thousands of files lists the first ones by path. */
const LISTED_FILES = 500;

/** The series as `user` may see it; one they may not see is not found, like one that does not exist. */
export async function seriesOr404(deps: WebDeps, id: string, user: AuthUser): Promise<SeriesRow> {
  const row = await getSeries(deps.db, id, seriesViewer(user));
  if (!row) throw new HTTPException(404, { message: `There is no series ${id}.` });
  return row;
}

/** The series' workflow in the Temporal UI (the embedded dev server's UI unless configured). */
export function temporalUrl(config: Config, workflowId: string): string | undefined {
  const ui = config.temporal.uiUrl ?? (config.temporal.address ? undefined : 'http://localhost:8233');
  if (!ui) return undefined;
  return `${ui.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

function intParam(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1 ? n : undefined;
}

export function seriesPage(ctx: WebContext) {
  const { db, config, cache } = ctx;
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const row = await seriesOr404(ctx, c.req.param('id')!, user);
    const stateParam = c.req.query('state');
    const stateFilter = (RUN_STATES as readonly string[]).includes(stateParam ?? '')
      ? (stateParam as RunState)
      : undefined;
    const before = intParam(c.req.query('before'));
    const from = intParam(c.req.query('from'));
    const sweep = sweepOfSeries(row.id, row.ini, Math.max(config.maxTuples, row.count));
    const snapshot = row.applicationSnapshot;
    const hasSetup = Boolean(snapshot.setup ?? snapshot.ownCode);
    const [counts, metrics, page, postprocess, lineage, setupLog, hostSplit] = await Promise.all([
      cachedCounts(db, cache, [row]),
      cache.get(`metrics:${seriesVersion(row)}`, ttlFor(row.state), () => metricNames(db, row.id)),
      runsPage(db, row.id, { state: stateFilter, before, from, limit: RUNS_PAGE_SIZE, total: row.count }),
      loadPostprocessView(storageOf(ctx), row, fileUrl),
      seriesLineage(db, row, seriesViewer(user)),
      hasSetup ? readSetupLog(storageOf(ctx), row.id) : undefined,
      row.hosts.length > 1 ? runsPerHost(db, row.id, row.hosts) : undefined,
    ]);
    return c.html(
      <SeriesPage
        user={user}
        csrf={csrf}
        series={row}
        counts={counts.get(row.id) ?? emptyCounts()}
        parameters={sweep.parameters.map((p) => ({ name: p.name, values: [...p.values] }))}
        metrics={metrics}
        page={page}
        stateFilter={stateFilter}
        canModify={canModifySeries(user, row)}
        temporalUrl={temporalUrl(config, row.workflowId)}
        postprocess={postprocess}
        lineage={lineage}
        setupLog={setupLog}
        hostSplit={hostSplit}
      />,
    );
  };
}

export function fileUrl(seriesId: string, path: string): string {
  return `/web-api/series/${encodeURIComponent(seriesId)}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

async function tail(deps: WebDeps, seriesId: string, relative: string) {
  const slice = await readSeriesSlice(storageOf(deps), seriesId, relative, OUTPUT_TAIL_BYTES, true);
  if (!slice || isRefused(slice)) return undefined;
  let text = slice.bytes.toString('utf8');
  if (slice.partial) text = text.slice(text.indexOf('\n') + 1); // start at a whole line
  return { text, partial: slice.partial };
}

export function runPage(deps: WebContext) {
  const { db, config } = deps;
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const row = await seriesOr404(deps, c.req.param('id')!, user);
    const index = intParam(c.req.param('index'));
    const run = index === undefined ? undefined : await getRun(db, row.id, index);
    if (!run)
      throw new HTTPException(404, { message: `Series ${row.id} has no run ${c.req.param('index')}.` });
    const sweep = sweepOfSeries(row.id, row.ini, Math.max(config.maxTuples, row.count));
    // A reused run's files are its original's (docs/reuse.md), shown while the user may see it.
    const original = await originalOf(db, run, seriesViewer(user));
    const home = run.reusedFromSeries === null ? { seriesId: row.id, run } : original;
    const filesSeries = home?.seriesId ?? row.id;
    const runDir = `runs/${home?.run.dir ?? run.dir}/`;
    const plotSvg = await netCdfSvg(c, storageOf(deps), filesSeries, runDir);
    if (plotSvg) return plotSvg;
    const [fileRows, stdout, stderr] = home
      ? await Promise.all([
          runFiles(db, home.seriesId, home.run.index, LISTED_FILES),
          tail(deps, home.seriesId, `${runDir}.tuplet/stdout`),
          tail(deps, home.seriesId, `${runDir}.tuplet/stderr`),
        ])
      : [[], undefined, undefined];
    // Images first (what one opens a run for), then the rest by name; the runner's own files apart.
    const visible = fileRows
      .filter((f) => !f.path.startsWith(`${runDir}.tuplet/`))
      .sort((a, b) => Number(isImage(b.path)) - Number(isImage(a.path)) || a.path.localeCompare(b.path));
    const files: RunFileView[] = await Promise.all(
      visible.map(async (f, i) => ({
        ...f,
        name: f.path.startsWith(runDir) ? f.path.slice(runDir.length) : f.path,
        url: fileUrl(filesSeries, f.path),
        ...(i < PREVIEWED_FILES
          ? {
              preview: await loadPreview(
                storageOf(deps),
                filesSeries,
                f.path,
                undefined,
                netCdfChoice(f.path.slice(runDir.length), c.req.query()),
              ),
            }
          : {}),
      })),
    );
    return c.html(
      <RunPage
        user={user}
        csrf={csrf}
        series={row}
        run={run}
        config={renderTuple(sweep, run.index)}
        configFile={row.applicationSnapshot.configFile}
        stdout={stdout}
        stderr={stderr}
        files={files}
        count={row.count}
        reused={reusedView(run, original)}
      />,
    );
  };
}
