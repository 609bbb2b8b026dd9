// The runs: filter by state, one page of the table, and paging by run index.
import { RUN_STATES } from '../../../core/states.ts';
import { stateLabel } from '../../format.ts';
import type { SeriesPageProps } from './props.ts';
import { RunsTable } from './runs-table.tsx';

export function RunsSection(props: SeriesPageProps & { base: string }) {
  const { series: s, counts, page, base } = props;
  const runsLink = (q: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams();
    if (props.stateFilter) p.set('state', props.stateFilter);
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    const str = p.toString();
    return `${base}${str ? `?${str}` : ''}#runs`;
  };
  return (
    <section aria-labelledby="runs-title" id="runs">
      <h2 id="runs-title">Runs</h2>
      <nav class="pager" aria-label="Filter runs by state">
        <a href={`${base}#runs`} aria-current={props.stateFilter ? undefined : 'page'}>
          all
        </a>
        {RUN_STATES.map((st) => (
          <a href={`${base}?state=${st}#runs`} aria-current={props.stateFilter === st ? 'page' : undefined}>
            {`${stateLabel(st)} (${counts[st].toLocaleString('en')})`}
          </a>
        ))}
      </nav>
      <RunsTable {...props} base={base} />
      <nav class="pager" aria-label="Runs pages">
        {page.prev !== null ? <a href={runsLink({ before: page.prev })}>← Previous</a> : null}
        {page.runs.length ? (
          <span class="muted">
            runs {page.runs[0]!.index}–{page.runs.at(-1)!.index}
          </span>
        ) : null}
        {page.next !== null ? <a href={runsLink({ from: page.next })}>Next →</a> : null}
        <form method="get" action={`${base}#runs`} class="row" style="gap:0.3rem;align-items:center">
          {props.stateFilter ? <input type="hidden" name="state" value={props.stateFilter} /> : null}
          <label for="jump" style="margin:0">
            Go to run
          </label>
          <input id="jump" name="from" type="number" min="0" max={s.count - 1} style="width:7rem" />
        </form>
      </nav>
    </section>
  );
}
