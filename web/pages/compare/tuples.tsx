// The tuple-set diff of a comparison: how many tuples only A has, only B has, and both, with
// the first few of each kind (each links to its run in its own series).
import type { Comparison } from '../../../api/series/compare.ts';
import type { TupleExample } from '../../../db/compare.ts';

const runHref = (seriesId: string, index: number) => `/series/${encodeURIComponent(seriesId)}/runs/${index}`;

function Examples(props: {
  id: string;
  title: string;
  seriesId: string;
  rows: TupleExample[];
  names: string[];
}) {
  if (props.rows.length === 0) return null;
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th class="num">Run</th>
            {props.names.map((n) => (
              <th>{n}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td class="num">
                <a href={runHref(props.seriesId, r.index)}>{r.index}</a>
              </td>
              {props.names.map((n) => (
                <td>{r.params[n] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TupleDiff(props: { comparison: Comparison }) {
  const { a, b, tuples } = props.comparison;
  const names = tuples.identifiedBy;
  return (
    <section class="card" aria-labelledby="tuples-title">
      <h2 id="tuples-title">Tuples</h2>
      <p class="muted small">
        A tuple is its values of {names.length ? names.join(', ') : 'no parameter'} (the parameters varied in
        either series).
      </p>
      <ul class="tuple-counts" id="tuple-counts">
        <li>
          <strong data-count="removed">{tuples.removed}</strong> only in A (removed)
        </li>
        <li>
          <strong data-count="added">{tuples.added}</strong> only in B (added)
        </li>
        <li>
          <strong data-count="common">{tuples.common}</strong> in both
        </li>
      </ul>
      <Examples
        id="removed-tuples"
        title={`Only in A: the first ${tuples.examples.removed.length}`}
        seriesId={a.id}
        rows={tuples.examples.removed}
        names={names}
      />
      <Examples
        id="added-tuples"
        title={`Only in B: the first ${tuples.examples.added.length}`}
        seriesId={b.id}
        rows={tuples.examples.added}
        names={names}
      />
    </section>
  );
}
