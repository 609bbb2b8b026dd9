// The form that adds an account.
import { MIN_PASSWORD_LENGTH } from '../../../config.ts';

export function AddUser() {
  return (
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
  );
}
