// One row per series: description and tags, owner, where, size, progress (refreshed by home.js), state.
import { emptyCounts } from '../../../db/runs.ts';
import { ProgressBar, StateBadge, Tags } from '../../components.tsx';
import { formatTime, isFinal } from '../../format.ts';
import type { HomeProps } from './props.ts';

export function SeriesTable(props: Pick<HomeProps, 'rows' | 'counts'>) {
  return (
    <div class="table-wrap">
      <table class="series-list">
        <thead>
          <tr>
            <th>Description</th>
            <th>Owner</th>
            <th class="hide-narrow">Application</th>
            <th class="hide-narrow">Host</th>
            <th class="num">Runs</th>
            <th>Progress</th>
            <th>State</th>
            <th class="hide-narrow">Created</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => {
            const counts = props.counts.get(row.id) ?? emptyCounts();
            return (
              <tr data-series={row.id} data-final={isFinal(row.state) ? '1' : '0'}>
                <td>
                  <a class="desc" href={`/series/${encodeURIComponent(row.id)}`}>
                    {row.description || `Series ${row.id}`}
                  </a>{' '}
                  <Tags tags={row.tags} />
                </td>
                <td>{row.owner}</td>
                <td class="hide-narrow">{row.application}</td>
                <td class="hide-narrow">{row.host}</td>
                <td class="num">{row.count.toLocaleString('en')}</td>
                <td style="min-width:9rem">
                  <ProgressBar counts={counts} count={row.count} />
                </td>
                <td data-series-state="">
                  <StateBadge state={row.state} />
                </td>
                <td class="hide-narrow small muted">{formatTime(row.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
