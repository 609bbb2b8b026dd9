// Search and filters of the series list (a GET form: the URL is the filter).
import { SERIES_STATES } from '../../../core/states.ts';
import { stateLabel } from '../../format.ts';
import type { HomeProps } from './props.ts';

export function SearchForm(props: Pick<HomeProps, 'filter' | 'hosts' | 'applications'>) {
  const { filter } = props;
  return (
    <form class="card row" method="get" action="/" role="search">
      <div class="grow" style="flex-basis:16rem">
        <label for="q">Search</label>
        <input
          id="q"
          name="q"
          type="search"
          value={filter.q ?? ''}
          placeholder="words in description, tags, application, owner"
        />
      </div>
      <div>
        <label for="state">State</label>
        <select id="state" name="state">
          <option value="">any</option>
          {SERIES_STATES.map((s) => (
            <option value={s} selected={filter.state === s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="host">Host</label>
        <select id="host" name="host">
          <option value="">any</option>
          {props.hosts.map((h) => (
            <option value={h} selected={filter.host === h}>
              {h}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="application">Application</label>
        <select id="application" name="application">
          <option value="">any</option>
          {props.applications.map((a) => (
            <option value={a} selected={filter.application === a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label>
          <input type="checkbox" name="mine" value="1" checked={filter.mine} /> Mine only
        </label>
      </div>
      <div>
        <button type="submit">Search</button>
      </div>
    </form>
  );
}
