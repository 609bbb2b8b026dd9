// What the home page lists: one page of series matching a filter, with their run counts.
import type { AuthUser, RunCounts } from '../../context.ts';
import type { SeriesFilter, SeriesListRow } from '../../data/series.ts';

export interface HomeProps {
  user: AuthUser;
  csrf: string;
  filter: SeriesFilter & { mine: boolean };
  rows: SeriesListRow[];
  counts: Map<string, RunCounts>;
  /** Encoded cursors of the next (older) and previous (newer) pages; null at either end. */
  older: string | null;
  newer: string | null;
  hosts: string[];
  applications: string[];
  /** No series at all yet (not just none matching the filter). */
  nothingYet: boolean;
}
