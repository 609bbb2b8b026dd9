// Rows the quota admission tests share: an owner under a maxQueued quota, a series row not yet
// stored (one host, or several), and the states the decisions left.
import { inArray } from 'drizzle-orm';
import { createUser } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import { insertQuota } from '../../db/quotas.ts';
import { series } from '../../db/schema.ts';

/** A new series of `count` tuples over `hosts` (the first is `host`; one host: `hosts` empty). */
export function seriesRowOn(ownerId: string, hosts: string[], count: number) {
  const id = newId();
  return {
    id,
    ownerId,
    application: 'app',
    applicationSnapshot: { name: 'app', command: 'true', configFile: 'config.ini' },
    host: hosts[0]!,
    hosts: hosts.length > 1 ? hosts : [],
    ini: 'k = 1...1...9\n',
    count,
    workflowId: `series-${id}`,
  };
}

/** A new member whose user quota on `host` allows `maxQueued` runs in the queue; its id. */
export async function ownerUnderQueueQuota(db: Database, host: string, maxQueued: number): Promise<string> {
  const owner = await createUser(db, { name: `owner-${newId()}`, role: 'member' });
  await insertQuota(db, {
    scope: 'user',
    subjectId: owner.id,
    host,
    maxQueued,
    maxRunning: null,
    maxTuples: null,
    maxStorageBytes: null,
  });
  return owner.id;
}

/** State and wait reason of each series, by id. */
export async function seriesStates(db: Database, ids: string[]) {
  const rows = await db
    .select({ id: series.id, state: series.state, waitReason: series.waitReason })
    .from(series)
    .where(inArray(series.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}
