// GET /applications, /hosts (everyone), /users (admins), /tokens (one's own).
import type { Context } from 'hono';
import { asc } from 'drizzle-orm';
import { HTTPException } from 'hono/http-exception';
import { hostForViewer } from '../../api/hosts-view.ts';
import { listApiTokens } from '../../db/accounts.ts';
import { applications, hosts, users } from '../../db/schema.ts';
import type { AuthUser, WebContext, WebEnv } from '../context.ts';
import { ApplicationsPage } from '../pages/applications.tsx';
import { HostsPage } from '../pages/hosts.tsx';
import { TokensPage } from '../pages/tokens.tsx';
import { UsersPage } from '../pages/users.tsx';

export function applicationsPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const rows = await db.select().from(applications).orderBy(asc(applications.name));
    return c.html(<ApplicationsPage user={user} csrf={csrf} applications={rows} />);
  };
}

export function hostsPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    const rows = await db.select().from(hosts).orderBy(asc(hosts.name));
    const visible = rows.map((row) => hostForViewer(row, user));
    return c.html(<HostsPage user={user} csrf={csrf} hosts={visible} />);
  };
}

export function usersPage({ db }: WebContext) {
  return async (c: Context<WebEnv>, user: AuthUser, csrf: string) => {
    if (user.role !== 'admin') throw new HTTPException(403, { message: 'Only an admin may manage users.' });
    const rows = await db
      .select({ id: users.id, name: users.name, role: users.role, createdAt: users.createdAt })
      .from(users)
      .orderBy(asc(users.name));
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
