// What the series page shows: the series, its run counts and one page of its runs.
import type { RunState } from '../../../core/states.ts';
import type { AuthUser, RunCounts } from '../../context.ts';
import type { RunsPage } from '../../../db/runs.ts';
import type { SeriesRow } from '../../data/series.ts';
import type { PostprocessView } from '../../data/postprocess.ts';
import type { SeriesLineage } from '../../../db/lineage.ts';
import type { RunsPerHost } from './host-split.tsx';

export interface SeriesPageProps {
  user: AuthUser;
  csrf: string;
  series: SeriesRow;
  counts: RunCounts;
  parameters: Array<{ name: string; values: string[] }>;
  metrics: string[];
  page: RunsPage;
  stateFilter?: RunState;
  canModify: boolean;
  temporalUrl?: string;
  /** Absent when the application declares no post-processing command. */
  postprocess?: PostprocessView | undefined;
  /** The setup's log tail (null: not run yet); absent when the series has no setup step. */
  setupLog?: string | null | undefined;
  /** Its parent and clones the viewer may see (web/pages/compare/lineage.tsx). */
  lineage?: SeriesLineage | undefined;
  /** A series over several hosts: its runs per host (docs/multi-host.md); absent for one host. */
  hostSplit?: RunsPerHost | undefined;
}
