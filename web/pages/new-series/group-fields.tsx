// The series' group and who sees it (docs/groups.md): offered only to users in a group. The
// select lists the user's own groups; the API refuses any other.
import type { Prefill } from './types.ts';

export function GroupFields(props: { groups: string[]; prefill: Prefill }) {
  const { groups, prefill } = props;
  if (groups.length === 0) return null;
  const chosen =
    prefill.group && groups.includes(prefill.group) ? prefill.group : groups.length === 1 ? groups[0] : '';
  return (
    <div class="grid2" style="margin-top:0.6rem">
      <div>
        <label for="group">Group</label>
        <select id="group" name="group">
          {groups.length > 1 ? <option value="">choose a group</option> : null}
          {groups.map((name) => (
            <option value={name} selected={name === chosen}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="visibility">Who sees it</label>
        <select id="visibility" name="visibility">
          <option value="everyone" selected={prefill.visibility !== 'group'}>
            everyone signed in
          </option>
          <option value="group" selected={prefill.visibility === 'group'}>
            the group only
          </option>
        </select>
      </div>
    </div>
  );
}
