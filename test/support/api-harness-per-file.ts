// The API in-process (test/api/harness.ts) over its own PGlite database and a Temporal dev
// server, for a test file: started before its tests, closed after, harness then database then
// Temporal. Files seed in their own before hooks, registered after this call.
import { after, before } from 'node:test';
import { createHarness, type ApiHarness } from '../api/harness.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';
import { startTemporal, type TestTemporal } from './temporal.ts';

/** Registers the hooks; the answer's fields are there once they ran (read them in tests and later hooks). */
export function useApiHarness(): {
  readonly harness: ApiHarness;
  readonly database: TestDatabase;
  readonly temporal: TestTemporal;
} {
  let temporal: TestTemporal | undefined;
  let database: TestDatabase | undefined;
  let harness: ApiHarness | undefined;
  before(async () => {
    [temporal, database] = await Promise.all([startTemporal(), openTestDatabase('pglite')]);
    harness = await createHarness(database.db, temporal);
  });
  after(async () => {
    await harness?.close();
    await database?.close();
    await temporal?.stop();
  });
  const started = () => {
    if (!temporal || !database || !harness)
      throw new Error('the API harness is read before its before() hook started it');
    return { temporal, database, harness };
  };
  return {
    get harness() {
      return started().harness;
    },
    get database() {
      return started().database;
    },
    get temporal() {
      return started().temporal;
    },
  };
}
