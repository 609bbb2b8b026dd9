// Series to compare, on the web test server (support/server.ts): a clone of its completed series
// that changes one value of a varied parameter, and a clone only a group the member is not in
// may see; with API tokens for the admin and the member.
import { eq } from 'drizzle-orm';
import { createApiToken } from '../../../db/accounts.ts';
import { insertGroup } from '../../../db/groups.ts';
import { series } from '../../../db/schema.ts';
import { seedSeries } from './seed.ts';
import { MAIN_INI, type WebTestServer } from './server.ts';

/** MAIN_INI with alpha's last value changed: 0.3 → 0.4 (its four tuples go, four new come). */
export const CLONE_INI = MAIN_INI.replace('alpha = 0.1 0.2 0.3', 'alpha = 0.1 0.2 0.4');

export interface ComparePair {
  /** The server's completed series (A) and its clone (B): energy doubled in B. */
  a: string;
  b: string;
  /** A clone of A visible to its group only (the member is not in it). */
  hidden: string;
  tokens: { admin: string; member: string };
}

export async function seedComparePair(server: WebTestServer): Promise<ComparePair> {
  const { db, ids } = server;
  if (CLONE_INI === MAIN_INI) throw new Error('MAIN_INI changed: CLONE_INI no longer changes alpha');
  const clone = await seedSeries(db, {
    ownerId: ids.admin,
    ini: CLONE_INI,
    description: 'Spiral drift, alpha 0.4',
    state: 'completed',
    metrics: (v) => ({ energy: 2 * Number(v['model.alpha']) * Number(v['tissue.beta']), steps: 100 }),
  });
  const hidden = await seedSeries(db, {
    ownerId: ids.admin,
    ini: CLONE_INI,
    description: 'Secret clone of the optics group',
    state: 'completed',
  });
  const group = await insertGroup(db, { name: `optics-${hidden.id}` });
  await db.update(series).set({ parentId: server.completed.id }).where(eq(series.id, clone.id));
  await db
    .update(series)
    .set({ parentId: server.completed.id, visibility: 'group', groupId: group!.id })
    .where(eq(series.id, hidden.id));
  const [admin, member] = await Promise.all([
    createApiToken(db, ids.admin, 'compare test'),
    createApiToken(db, ids.member, 'compare test'),
  ]);
  return {
    a: server.completed.id,
    b: clone.id,
    hidden: hidden.id,
    tokens: { admin: admin.token, member: member.token },
  };
}

/** GET of the API with a bearer token: status and parsed body. */
export async function getJson(
  server: WebTestServer,
  token: string,
  route: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text,
  };
}
