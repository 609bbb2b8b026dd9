// Rows the database tests need around the rows they test: a user owning a series.
import type { Database } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import { series, users } from '../../db/schema.ts';

export async function insertSeries(db: Database, count: number): Promise<string> {
  const ownerId = newId();
  await db.insert(users).values({ id: ownerId, name: `owner-${ownerId}`, role: 'member' });
  const id = newId();
  await db.insert(series).values({
    id,
    ownerId,
    application: 'app',
    applicationSnapshot: { name: 'app', command: 'true', configFile: 'config.ini' },
    host: 'local',
    ini: 'x = 1 2\n',
    count,
    workflowId: `series-${id}`,
  });
  return id;
}
