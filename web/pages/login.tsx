// Sign-in. The form posts to POST /login (web/routes/login.tsx), which sets the HttpOnly
// session cookie; `csrf` is the token of the browser's login cookie (a double submit).
import { CSRF_FIELD } from '../../api/auth.ts';
import { Layout } from '../layout.tsx';

export function LoginPage(props: { next: string; csrf: string; error?: string; name?: string }) {
  return (
    <Layout title="Sign in">
      <div class="card login">
        <h1>Sign in to Tuplet</h1>
        {props.error ? (
          <p class="notice error" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/login">
          <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <p>
            <label for="name">User name</label>
            <input
              id="name"
              name="name"
              autocomplete="username"
              required
              autofocus
              value={props.name ?? ''}
            />
          </p>
          <p>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </p>
          <button type="submit">Sign in</button>
        </form>
        <p class="muted small">
          The first start of <code>tuplet up</code> creates the user <code>admin</code> and prints its
          password.
        </p>
      </div>
    </Layout>
  );
}
