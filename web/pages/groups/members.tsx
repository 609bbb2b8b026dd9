// A group's members with their roles; admins and the group's admins change roles, remove and add.
import type { GroupMember } from '../../../db/groups.ts';
import { ListTable, RoleSelect } from '../../components.tsx';

const memberPath = (group: string, user: string) =>
  `/api/v1/groups/${encodeURIComponent(group)}/members/${encodeURIComponent(user)}`;

export function MembersSection(props: {
  group: string;
  members: GroupMember[];
  manage: boolean;
  self: string;
}) {
  return (
    <section class="card" aria-labelledby="members-title">
      <h2 id="members-title" style="margin-top:0">
        Members
      </h2>
      {props.members.length === 0 ? (
        <p class="empty" data-empty="members">
          No member yet.{' '}
          {props.manage
            ? 'Add the first below: members launch series with what the group is granted.'
            : 'An admin adds them.'}
        </p>
      ) : (
        <ListTable columns={['Name', 'Role', props.manage ? 'Change' : null]}>
          {props.members.map((m) => (
            <tr data-member={m.name}>
              <td>{m.name}</td>
              <td>{m.role}</td>
              {props.manage ? (
                <td>
                  <MemberChange group={props.group} member={m} self={m.name === props.self} />
                </td>
              ) : null}
            </tr>
          ))}
        </ListTable>
      )}
      {props.manage ? <AddMember group={props.group} /> : null}
    </section>
  );
}

function MemberChange(props: { group: string; member: GroupMember; self: boolean }) {
  const { member: m } = props;
  return (
    <form data-api={`PUT ${memberPath(props.group, m.name)}`} data-then="reload" class="row">
      <RoleSelect idKey={m.userId} name={m.name} role={m.role} />
      <button type="submit" class="secondary">
        Save
      </button>
      <button
        type="button"
        class="danger"
        data-action={`DELETE ${memberPath(props.group, m.name)}`}
        data-confirm={
          props.self
            ? `Leave the group ${props.group}? You will no longer use what it is granted.`
            : `Remove ${m.name} from ${props.group}?`
        }
        data-done="Removed"
      >
        Remove
      </button>
    </form>
  );
}

/** The user's name goes into the URL: groups.js sends it (PUT …/members/{user}). */
function AddMember(props: { group: string }) {
  return (
    <form id="add-member" data-group={props.group} class="grid3" style="margin-top:1rem">
      <div>
        <label for="member-name">Add a user (name)</label>
        <input id="member-name" name="user" required autocomplete="off" />
      </div>
      <div>
        <label for="member-role">Role</label>
        <select id="member-role" name="role">
          <option value="member">member</option>
          <option value="admin">admin: manages the members</option>
        </select>
      </div>
      <div>
        <button type="submit">Add</button>
      </div>
      <p class="error" data-form-error hidden></p>
    </form>
  );
}
