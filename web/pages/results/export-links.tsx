// The Results tab's downloads: the results (with the table's filter) as CSV, JSON Lines or
// Parquet, and a finished series whole as an archive `tuplet import` reads back (docs/exports.md).
// Plain links to the API, which the browser session signs in to; they stream as they download.
import { FINAL_SERIES_STATES, type SeriesState } from '../../../core/states.ts';

export function ExportLinks(props: { seriesId: string; state: SeriesState; filter: string | undefined }) {
  const api = `/api/v1/series/${encodeURIComponent(props.seriesId)}`;
  const results = (format: string) => {
    const query = new URLSearchParams({ format });
    if (props.filter) query.set('filter', props.filter);
    return `${api}/results/export?${query.toString()}`;
  };
  return (
    <p class="row muted" id="results-export">
      <span>{props.filter ? 'Export the matching runs:' : 'Export the results:'}</span>
      <a href={results('csv')}>CSV</a>
      <a href={results('jsonl')}>JSON Lines</a>
      <a href={results('parquet')}>Parquet</a>
      {FINAL_SERIES_STATES.includes(props.state) ? (
        <a href={`${api}/export`} title="manifest.json and every collected file; tuplet import reads it back">
          Series archive (.tar.gz)
        </a>
      ) : null}
    </p>
  );
}
