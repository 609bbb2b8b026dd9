// Cancel, rerun what failed, clone, downloads and the Temporal UI link: only what applies now.
import { isFinal } from '../../format.ts';
import type { SeriesPageProps } from './props.ts';

export function SeriesActions(
  props: Pick<SeriesPageProps, 'series' | 'counts' | 'canModify' | 'temporalUrl'>,
) {
  const { series: s, counts } = props;
  const final = isFinal(s.state);
  return (
    <div class="actions" id="series-actions">
      {props.canModify && !final ? (
        <button
          class="danger"
          data-action={`POST /api/v1/series/${s.id}/cancel`}
          data-confirm="Cancel every run of this series?"
          data-done="Cancellation requested"
          data-then="none"
          id="cancel"
        >
          Cancel
        </button>
      ) : null}
      {props.canModify && final && counts.failed + counts.cancelled > 0 ? (
        <button
          data-action={`POST /api/v1/series/${s.id}/rerun`}
          data-body={JSON.stringify({ states: ['failed', 'cancelled'] })}
          data-done="Rerun started"
          id="rerun"
        >
          {counts.cancelled > 0 ? 'Rerun failed and cancelled' : 'Rerun failed'}
        </button>
      ) : null}
      <a class="button secondary" href={`/series/new?from=${encodeURIComponent(s.id)}`} id="clone">
        Clone with changes
      </a>
      {s.archivePath ? (
        <a class="button secondary" href={`/api/v1/series/${encodeURIComponent(s.id)}/archive`} download="">
          Download archive
        </a>
      ) : null}
      <a class="button secondary" href={`/web-api/series/${encodeURIComponent(s.id)}/runs.csv`} download="">
        CSV
      </a>
      {props.temporalUrl ? (
        <a class="button secondary" href={props.temporalUrl} target="_blank" rel="noopener">
          Temporal UI
        </a>
      ) : null}
    </div>
  );
}
