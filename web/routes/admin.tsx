// GET /applications, /hosts (everyone), /users (admins), /tokens (one's own).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { catalogueOf, visibleApplications, visibleHosts } from '../../api/access.ts';
import { hostForViewer } from '../../api/hosts-view.ts';
import { listAccounts, listApiTokens } from '../../db/accounts.ts';
import { listApplications } from '../../db/applications.ts';
import { listHosts } from '../../db/hosts.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { ApplicationsPage } from '../pages/applications.tsx';
import { HostsPage } from '../pages/hosts.tsx';
import { TokensPage } from '../pages/tokens.tsx';
import { UsersPage } from '../pages/users.tsx';

export function applicationsPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const rows = visibleApplications(await catalogueOf(db, user), await listApplications(db));
    return c.html(<ApplicationsPage user={user} csrf={csrf} applications={rows} />);
  };
}

export function hostsPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const rows = visibleHosts(await catalogueOf(db, user), await listHosts(db));
    const visible = rows.map((row) => hostForViewer(row, user));
    return c.html(<HostsPage user={user} csrf={csrf} hosts={visible} />);
  };
}

export function usersPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    if (user.role !== 'admin') throw new HTTPException(403, { message: 'Only an admin may manage users.' });
    const rows = await listAccounts(db);
    return c.html(<UsersPage user={user} csrf={csrf} users={rows} />);
  };
}

export function tokensPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    // Newest first on the page.
    const rows = (await listApiTokens(db, user.id)).reverse();
    return c.html(<TokensPage user={user} csrf={csrf} tokens={rows} />);
  };
}
