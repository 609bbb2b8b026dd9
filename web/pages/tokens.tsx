// API tokens of the signed-in user: for the CLI and scripts. A new token is shown once.
import type { AuthUser } from '../context.ts';
import { formatTime } from '../format.ts';
import { Layout } from '../layout.tsx';
import { ListTable } from '../components.tsx';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export function TokensPage(props: { user: AuthUser; csrf: string; tokens: TokenRow[] }) {
  return (
    <Layout title="API tokens" user={props.user} csrf={props.csrf} active="tokens">
      <h1>API tokens</h1>
      <p class="muted">
        For the <code>tuplet</code> command and scripts: <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      {props.tokens.length ? (
        <ListTable columns={['Name', 'Starts with', 'Created', 'Last used', '']}>
          {props.tokens.map((t) => (
            <tr>
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td class="small">{formatTime(t.createdAt)}</td>
              <td class="small">{formatTime(t.lastUsedAt) || 'never'}</td>
              <td>
                <button
                  class="secondary"
                  data-action={`DELETE /api/v1/tokens/${encodeURIComponent(t.id)}`}
                  data-confirm={`Revoke the token ${t.name}?`}
                  data-done="Revoked"
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </ListTable>
      ) : (
        <p class="card">You have no API token.</p>
      )}
      <section class="card" style="margin-top:1rem">
        <h2 style="margin-top:0">New token</h2>
        <form
          data-api="POST /api/v1/tokens"
          data-then="show:#new-token"
          data-done="Token created"
          class="row"
        >
          <div class="grow">
            <label for="token-name">Name</label>
            <input id="token-name" name="name" required placeholder="laptop" />
          </div>
          <div>
            <button type="submit">Create</button>
          </div>
        </form>
        <div id="new-token" hidden>
          <p>Copy it now: it will not be shown again.</p>
          <p class="token-once">
            <code data-token=""></code>
          </p>
          <p>
            <a href="/tokens">Done</a>
          </p>
        </div>
      </section>
    </Layout>
  );
}
