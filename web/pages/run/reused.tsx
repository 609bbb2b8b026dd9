// A run taken from another series instead of run (docs/reuse.md): the run page says where it
// comes from and links there; the runs table marks it with the same link.
import type { RunRow } from '../../../db/runs.ts';
import type { OriginalRun } from '../../../db/reuse.ts';

export interface ReusedView {
  seriesId: string;
  index: number;
  /** The original series' description; undefined when the user may not see that series (now). */
  description: string | undefined;
  visible: boolean;
}

const runHref = (seriesId: string, index: number) => `/series/${encodeURIComponent(seriesId)}/runs/${index}`;

/** What the run page shows of a reused run; undefined for a run that ran here. */
export function reusedView(
  run: Pick<RunRow, 'reusedFromSeries' | 'reusedFromIndex'>,
  original: OriginalRun | undefined,
): ReusedView | undefined {
  if (run.reusedFromSeries === null || run.reusedFromIndex === null) return undefined;
  return {
    seriesId: run.reusedFromSeries,
    index: run.reusedFromIndex,
    description: original?.description,
    visible: original !== undefined,
  };
}

export function ReusedNotice(props: { reused: ReusedView }) {
  const { reused } = props;
  if (!reused.visible) {
    return (
      <p class="notice" data-reused-from={reused.seriesId}>
        Reused, not run again: taken from run {reused.index} of a series you cannot see (now), so its files
        are not shown.
      </p>
    );
  }
  return (
    <p class="notice" data-reused-from={reused.seriesId}>
      Reused, not run again: taken from{' '}
      <a href={runHref(reused.seriesId, reused.index)}>
        run {reused.index} of {reused.description || `series ${reused.seriesId}`}
      </a>
      . Its metrics were copied; its files are served from there.
    </p>
  );
}

export function ReusedLink(props: { run: Pick<RunRow, 'reusedFromSeries' | 'reusedFromIndex'> }) {
  const { reusedFromSeries: seriesId, reusedFromIndex: index } = props.run;
  if (seriesId === null || index === null) return null;
  return (
    <a
      class="small"
      href={runHref(seriesId, index)}
      title={`taken from run ${index} of series ${seriesId}`}
      data-reused-from={seriesId}
    >
      {' '}
      reused
    </a>
  );
}
