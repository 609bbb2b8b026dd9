// Users (admins only): who may sign in, with which role. A new role or password, removal and
// "Sign out everywhere" end the account's sessions and API tokens (api/routes/users.ts).
import { MIN_PASSWORD_LENGTH } from '../../config.ts';
import type { AuthUser } from '../context.ts';
import { formatTime } from '../format.ts';
import { Layout } from '../layout.tsx';

export interface UserRow {
  id: string;
  name: string;
  role: 'admin' | 'member';
  createdAt: Date;
}

export function UsersPage(props: { user: AuthUser; csrf: string; users: UserRow[] }) {
  return (
    <Layout title="Users" user={props.user} csrf={props.csrf} active="users">
      <h1>Users</h1>
      <p class="muted">
        Saving a new role or password signs the user out everywhere: their sessions and API tokens end.
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr>
                <td>{u.name}</td>
                <td>{u.role}</td>
                <td class="small muted">{formatTime(u.createdAt)}</td>
                <td>
                  {u.id === props.user.id ? (
                    <span class="muted small">you</span>
                  ) : (
                    <form
                      data-api={`PATCH /api/v1/users/${encodeURIComponent(u.name)}`}
                      data-then="reload"
                      class="row"
                    >
                      <label class="sr-only" for={`role-${u.id}`}>
                        Role of {u.name}
                      </label>
                      <select id={`role-${u.id}`} name="role" style="width:auto">
                        <option value="member" selected={u.role === 'member'}>
                          member
                        </option>
                        <option value="admin" selected={u.role === 'admin'}>
                          admin
                        </option>
                      </select>
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
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section class="card" style="margin-top:1rem">
        <h2 style="margin-top:0">Add a user</h2>
        <form data-api="POST /api/v1/users" data-then="reload" class="grid3">
          <div>
            <label for="new-user-name">Name</label>
            <input id="new-user-name" name="name" required autocomplete="off" />
          </div>
          <div>
            <label for="new-user-password">Password</label>
            <input
              id="new-user-password"
              name="password"
              type="password"
              autocomplete="new-password"
              minlength={MIN_PASSWORD_LENGTH}
            />
          </div>
          <div>
            <label for="new-user-role">Role</label>
            <select id="new-user-role" name="role">
              <option value="member">member</option>
              <option value="admin">admin</option>
            </select>
          </div>
          <div>
            <button type="submit">Add</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
