// An account's new role or password, "sign out everywhere" and removal: each ends its sessions and tokens.
import { MIN_PASSWORD_LENGTH } from '../../../config.ts';
import { RoleSelect } from '../../components.tsx';
import type { UserRow } from './user-row.ts';

export function UserChangeForm(props: { user: UserRow }) {
  const { user: u } = props;
  return (
    <form data-api={`PATCH /api/v1/users/${encodeURIComponent(u.name)}`} data-then="reload" class="row">
      <RoleSelect idKey={u.id} name={u.name} role={u.role} />
      <label class="sr-only" for={`password-${u.id}`}>
        New password for {u.name}
      </label>
      <input
        id={`password-${u.id}`}
        name="password"
        type="password"
        autocomplete="new-password"
        placeholder="new password"
        minlength={MIN_PASSWORD_LENGTH}
        style="width:10rem"
      />
      <button type="submit" class="secondary">
        Save
      </button>
      <button
        type="button"
        class="secondary"
        data-action={`POST /api/v1/users/${encodeURIComponent(u.name)}/sign-out`}
        data-confirm={`End every session and API token of ${u.name}?`}
        data-done="Signed out everywhere"
        data-then="none"
      >
        Sign out everywhere
      </button>
      <button
        type="button"
        class="danger"
        data-action={`DELETE /api/v1/users/${encodeURIComponent(u.name)}`}
        data-confirm={`Remove the account ${u.name}?`}
        data-done="Removed"
      >
        Remove
      </button>
    </form>
  );
}
