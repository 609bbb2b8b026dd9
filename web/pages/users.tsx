// Users (admins only): who may sign in, with which role. A new role or password, removal and
// "Sign out everywhere" end the account's sessions and API tokens (api/routes/users.ts).
import type { AuthUser } from '../context.ts';
import { formatTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import { AddUser } from './users/add-user.tsx';
import { UserChangeForm } from './users/change-form.tsx';
import type { UserRow } from './users/user-row.ts';
import { ListTable } from '../components.tsx';

export type { UserRow } from './users/user-row.ts';

export function UsersPage(props: { user: AuthUser; csrf: string; users: UserRow[] }) {
  return (
    <Layout title="Users" user={props.user} csrf={props.csrf} active="users">
      <h1>Users</h1>
      <p class="muted">
        Saving a new role or password signs the user out everywhere: their sessions and API tokens end.
      </p>
      <ListTable columns={['Name', 'Role', 'Created', 'Change']}>
        {props.users.map((u) => (
          <tr>
            <td>{u.name}</td>
            <td>{u.role}</td>
            <td class="small muted">{formatTime(u.createdAt)}</td>
            <td>
              {u.id === props.user.id ? <span class="muted small">you</span> : <UserChangeForm user={u} />}
            </td>
          </tr>
        ))}
      </ListTable>
      <AddUser />
    </Layout>
  );
}
