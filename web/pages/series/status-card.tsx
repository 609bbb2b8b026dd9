// Progress and counts of the runs (kept live by series.js), with what one can do to the series.
import { CountsList, ProgressBar } from '../../components.tsx';
import { SeriesActions } from './actions.tsx';
import type { SeriesPageProps } from './props.ts';

export function StatusCard(props: Pick<SeriesPageProps, 'series' | 'counts' | 'canModify' | 'temporalUrl'>) {
  const { series: s, counts } = props;
  return (
    <div class="card">
      <ProgressBar counts={counts} count={s.count} big label="Runs of this series finished" />
      <CountsList counts={counts} />
      <SeriesActions {...props} />
    </div>
  );
}
