// The first two cells of a run's row, in the runs table and the results table alike: its index,
// linked to its page, and its state (with whatever else a table says about the state).
import type { Child } from 'hono/jsx';
import { StateBadge } from '../../components.tsx';

export function RunCells(props: { base: string; run: { index: number; state: string }; children?: Child }) {
  return (
    <>
      <td class="num">
        <a href={`${props.base}/runs/${props.run.index}`}>{props.run.index}</a>
      </td>
      <td>
        <StateBadge state={props.run.state} />
        {props.children}
      </td>
    </>
  );
}
