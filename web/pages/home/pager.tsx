// Newer / older pages of the series list, keeping the filter in the links.
import type { HomeProps } from './props.ts';

export function Pager(props: Pick<HomeProps, 'filter' | 'page' | 'more'>) {
  const { filter } = props;
  const query = (page: number) => {
    const p = new URLSearchParams();
    if (filter.q) p.set('q', filter.q);
    if (filter.mine) p.set('mine', '1');
    if (filter.state) p.set('state', filter.state);
    if (filter.host) p.set('host', filter.host);
    if (filter.application) p.set('application', filter.application);
    if (page > 1) p.set('page', String(page));
    const s = p.toString();
    return s ? `/?${s}` : '/';
  };
  if (!(props.page > 1 || props.more)) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {props.page > 1 ? <a href={query(props.page - 1)}>← Newer</a> : null}
      <span class="muted">Page {props.page}</span>
      {props.more ? <a href={query(props.page + 1)}>Older →</a> : null}
    </nav>
  );
}
