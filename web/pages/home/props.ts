// What the home page lists: one page of series matching a filter, with their run counts.
import type { AuthUser, RunCounts } from '../../context.ts';
import type { SeriesFilter, SeriesListRow } from '../../data/series.ts';

export interface HomeProps {
  user: AuthUser;
  csrf: string;
  filter: SeriesFilter & { mine: boolean };
  rows: SeriesListRow[];
  counts: Map<string, RunCounts>;
  more: boolean;
  page: number;
  hosts: string[];
  applications: string[];
  /** No series at all yet (not just none matching the filter). */
  nothingYet: boolean;
}
