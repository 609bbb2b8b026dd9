// Newer / older pages of the series list, keeping the filter in the links (keyset cursors).
import type { HomeProps } from './props.ts';

export function Pager(props: Pick<HomeProps, 'filter' | 'older' | 'newer'>) {
  const { filter } = props;
  const query = (cursor: { after: string } | { before: string }) => {
    const p = new URLSearchParams();
    if (filter.q) p.set('q', filter.q);
    if (filter.mine) p.set('mine', '1');
    if (filter.state) p.set('state', filter.state);
    if (filter.host) p.set('host', filter.host);
    if (filter.application) p.set('application', filter.application);
    for (const [name, value] of Object.entries(cursor)) p.set(name, value);
    return `/?${p.toString()}`;
  };
  if (props.older === null && props.newer === null) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {props.newer !== null ? <a href={query({ before: props.newer })}>← Newer</a> : null}
      {props.older !== null ? <a href={query({ after: props.older })}>Older →</a> : null}
    </nav>
  );
}
