// The series page's lineage card: the series it was cloned from and its clones (those the
// viewer may see, db/lineage.ts), each with a link comparing it with this one, and a form
// comparing this series with any other by id.
import type { LineageEntry, SeriesLineage } from '../../../db/lineage.ts';
import { StateBadge } from '../../components.tsx';

const compareHref = (a: string, b: string) => `/compare?${new URLSearchParams({ a, b }).toString()}`;

function Entry(props: { entry: LineageEntry }) {
  const e = props.entry;
  return (
    <>
      <a href={`/series/${encodeURIComponent(e.id)}`}>{e.description || `Series ${e.id}`}</a>{' '}
      <StateBadge state={e.state} /> <span class="muted small">{e.owner}</span>
    </>
  );
}

export function LineageCard(props: { seriesId: string; lineage: SeriesLineage }) {
  const { seriesId, lineage } = props;
  return (
    <section class="card lineage" aria-labelledby="lineage-title" id="lineage">
      <h2 id="lineage-title">Lineage</h2>
      {lineage.parent ? (
        <p id="lineage-parent">
          Cloned from <Entry entry={lineage.parent} /> ·{' '}
          <a href={compareHref(lineage.parent.id, seriesId)} id="compare-parent">
            Compare with parent
          </a>
        </p>
      ) : null}
      {lineage.children.length ? (
        <>
          <p>Clones of this series:</p>
          <ul id="lineage-children">
            {lineage.children.map((child) => (
              <li>
                <Entry entry={child} /> · <a href={compareHref(seriesId, child.id)}>compare</a>
              </li>
            ))}
          </ul>
          {lineage.more ? (
            <p class="muted small">Only the first {lineage.children.length} are listed.</p>
          ) : null}
        </>
      ) : null}
      {!lineage.parent && !lineage.children.length ? (
        <p class="muted small">Not cloned from a series you can see, and not cloned yet.</p>
      ) : null}
      <form method="get" action="/compare" class="row" id="compare-with">
        <input type="hidden" name="a" value={seriesId} />
        <label for="compare-b">Compare with series</label>
        <input id="compare-b" name="b" required placeholder="series id" />
        <button type="submit">Compare</button>
      </form>
    </section>
  );
}
