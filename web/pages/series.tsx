// A series: state, counts and progress (live through server-sent events), actions, the
// parameter map (drawn by series.js from /web-api/…/map) and the runs table, paged by index.
import { isFinal } from '../format.ts';
import { Layout } from '../layout.tsx';
import { StateBadge } from '../components.tsx';
import { SeriesFacts } from './series/facts.tsx';
import { ParameterMap } from './series/parameter-map.tsx';
import type { SeriesPageProps } from './series/props.ts';
import { RunsSection } from './series/runs-section.tsx';
import { PostprocessSection } from './series/postprocess-section.tsx';
import { SetupSection } from './series/setup-section.tsx';
import { StatusCard } from './series/status-card.tsx';
import { SeriesTabs } from './results/tabs.tsx';
import { LineageCard } from './compare/lineage.tsx';

export type { SeriesPageProps } from './series/props.ts';

export function SeriesPage(props: SeriesPageProps) {
  const { series: s } = props;
  const base = `/series/${encodeURIComponent(s.id)}`;
  const final = isFinal(s.state);
  const title = s.description || `Series ${s.id}`;
  return (
    <Layout title={title} user={props.user} csrf={props.csrf} active="series" scripts={['series.js']}>
      <div id="series" data-id={s.id} data-final={final ? '1' : '0'}>
        <h1>
          {title} <StateBadge state={s.state} />
        </h1>
        <SeriesTabs base={base} active="overview" />
        <div class="grid2">
          <SeriesFacts series={s} hostSplit={props.hostSplit} />
          <StatusCard {...props} />
        </div>

        {props.parameters.length > 0 ? (
          <ParameterMap parameters={props.parameters} metrics={props.metrics} />
        ) : null}

        <RunsSection {...props} base={base} />

        {props.lineage ? <LineageCard seriesId={s.id} lineage={props.lineage} /> : null}

        {props.setupLog !== undefined ? (
          <SetupSection snapshot={s.applicationSnapshot} log={props.setupLog} />
        ) : null}

        {props.postprocess ? (
          <PostprocessSection seriesId={s.id} view={props.postprocess} canRun={props.canModify && final} />
        ) : null}

        <details class="card">
          <summary>INI template</summary>
          <pre>{s.ini}</pre>
        </details>
      </div>
    </Layout>
  );
}
