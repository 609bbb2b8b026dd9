// Home: everyone's latest series, newest first, with search and filters. Progress of the
// unfinished rows is refreshed by home.js from /web-api/progress.
import { Layout } from '../layout.tsx';
import { EmptyState } from './home/empty-state.tsx';
import { Pager } from './home/pager.tsx';
import type { HomeProps } from './home/props.ts';
import { SearchForm } from './home/search-form.tsx';
import { SeriesTable } from './home/series-table.tsx';

export type { HomeProps } from './home/props.ts';

export function HomePage(props: HomeProps) {
  return (
    <Layout title="Series" user={props.user} csrf={props.csrf} active="series" scripts={['home.js']}>
      <div class="row" style="justify-content:space-between;align-items:center">
        <h1>Series</h1>
        <a class="button" href="/series/new">
          New series
        </a>
      </div>
      <SearchForm filter={props.filter} hosts={props.hosts} applications={props.applications} />

      {props.nothingYet ? (
        <EmptyState />
      ) : props.rows.length === 0 ? (
        <p class="card">
          No series match. <a href="/">Show all series</a>
        </p>
      ) : (
        <SeriesTable rows={props.rows} counts={props.counts} />
      )}
      <Pager filter={props.filter} older={props.older} newer={props.newer} />
    </Layout>
  );
}
