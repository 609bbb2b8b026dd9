// The tabs of a series: its overview (state, map, runs) and its results (plots and table).
export function SeriesTabs(props: { base: string; active: 'overview' | 'results' }) {
  return (
    <nav class="pager tabs" aria-label="Series views">
      <a href={props.base} aria-current={props.active === 'overview' ? 'page' : undefined}>
        Overview
      </a>
      <a href={`${props.base}/results`} aria-current={props.active === 'results' ? 'page' : undefined}>
        Results
      </a>
    </nav>
  );
}
