// Small pieces several pages use: state badges, progress bars, counts legend, list tables.
import type { Child } from 'hono/jsx';
import type { RunCounts } from './context.ts';
import { doneOf, percentDone, stateLabel } from './format.ts';

export function StateBadge(props: { state: string }) {
  return (
    <span class={`state state-${props.state}`} data-state={props.state}>
      {stateLabel(props.state)}
    </span>
  );
}

const SEGMENTS = ['succeeded', 'failed', 'cancelled', 'running', 'queued'] as const;

/** Stacked bar of run states; `data-progress` lets a script update it in place. */
export function ProgressBar(props: { counts: RunCounts; count: number; big?: boolean; label?: string }) {
  const { counts, count } = props;
  const width = (n: number) => (count > 0 ? `${((n * 100) / count).toFixed(2)}%` : '0%');
  const percent = percentDone(counts, count);
  return (
    <div class="progress-box" data-progress="">
      <div
        class={props.big ? 'progress big' : 'progress'}
        role="progressbar"
        aria-label={props.label ?? 'Runs finished'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        {SEGMENTS.map((s) => (
          <span class={s} data-segment={s} style={`width:${width(counts[s])}`}></span>
        ))}
      </div>
      <span class="progress-label" data-progress-label="">
        {`${doneOf(counts).toLocaleString('en')} / ${count.toLocaleString('en')} · ${percent}%`}
      </span>
    </div>
  );
}

export function CountsList(props: { counts: RunCounts }) {
  return (
    <ul class="counts" data-counts="">
      {(Object.keys(props.counts) as Array<keyof RunCounts>).map((s) => (
        <li class={`swatch-${s}`}>
          {stateLabel(s)}: <strong data-count={s}>{props.counts[s].toLocaleString('en')}</strong>
        </li>
      ))}
    </ul>
  );
}

export function Tags(props: { tags: string[] }) {
  if (props.tags.length === 0) return null;
  return (
    <span class="tags">
      {props.tags.map((t) => (
        <span class="tag">{t}</span>
      ))}
    </span>
  );
}

/**
 * A list page's table: a header row, then the rows the page renders, in a wrapper that scrolls
 * sideways on a narrow screen. A null column is one this viewer does not see (an admin's
 * "Change"); `marker` names the table for scripts and tests (`data-<marker>`).
 */
export function ListTable(props: { columns: (string | null)[]; marker?: string; children?: Child }) {
  const marker = props.marker ? { [`data-${props.marker}`]: '' } : {};
  return (
    <div class="table-wrap">
      <table {...marker}>
        <thead>
          <tr>{props.columns.map((c) => (c === null ? null : <th>{c}</th>))}</tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/**
 * The member/admin choice of a row's form (an account's role, a role in a group), labelled for
 * screen readers with whose role it is; `idKey` keeps the ids apart between rows.
 */
export function RoleSelect(props: { idKey: string; name: string; role: string }) {
  return (
    <>
      <label class="sr-only" for={`role-${props.idKey}`}>
        Role of {props.name}
      </label>
      <select id={`role-${props.idKey}`} name="role" style="width:auto">
        <option value="member" selected={props.role === 'member'}>
          member
        </option>
        <option value="admin" selected={props.role === 'admin'}>
          admin
        </option>
      </select>
    </>
  );
}
