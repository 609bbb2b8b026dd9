// A group's settings as an admin sets them: name (on creation), description, fair-share weight,
// and whether its members run their own code or may ask for high priority (docs/groups.md).
import type { GroupRow } from '../../../db/groups.ts';

export function GroupSettingsForm(props: { group?: GroupRow }) {
  const g = props.group;
  const id = (field: string) => `${g ? `group-${g.name}` : 'new-group'}-${field}`;
  return (
    <form
      data-api={g ? `PATCH /api/v1/groups/${encodeURIComponent(g.name)}` : 'POST /api/v1/groups'}
      data-then="reload"
      data-done={g ? 'Saved' : 'Created'}
      class="grid3"
    >
      {g ? null : (
        <div>
          <label for={id('name')}>Name</label>
          <input id={id('name')} name="name" required autocomplete="off" placeholder="optics" />
        </div>
      )}
      <div>
        <label for={id('description')}>Description</label>
        <input id={id('description')} name="description" value={g?.description ?? ''} />
      </div>
      <div>
        <label for={id('share')}>
          Share <span class="hint">fair-share weight, 1–1000</span>
        </label>
        <input id={id('share')} name="share" type="number" data-type="int" value={g?.share ?? 1} />
      </div>
      <div>
        <label>
          <input type="checkbox" name="ownCode" checked={g?.ownCode ?? false} /> Members run their own code
        </label>
      </div>
      <div>
        <label>
          <input type="checkbox" name="highPriority" checked={g?.highPriority ?? false} /> Members may ask for
          high priority
        </label>
      </div>
      <div>
        <button type="submit">{g ? 'Save' : 'Create'}</button>
      </div>
    </form>
  );
}
