// The HTTP API through app.request(), on both database backends and a real Temporal dev
// server. One test file on purpose: opening PGlite and starting Temporal cost seconds, so all
// API suites share them (each backend gets its own database and users).
import { after, before, describe } from 'node:test';
import { backends, openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';
import { accountTests } from './accounts-suite.ts';
import { filesTests } from './files-suite.ts';
import { createHarness, type SuiteContext } from './harness.ts';
import { inputTests } from './input-suite.ts';
import { parameterSchemaTests } from './parameter-schema-suite.ts';
import { quotaTests } from './quotas-suite.ts';
import { resourceTests } from './resources-suite.ts';
import { resultsTests } from './results-suite.ts';
import { seriesTests } from './series-suite.ts';

let temporal: TestTemporal | undefined;
let temporalStarting: Promise<TestTemporal> | undefined;
const temporalServer = () => (temporalStarting ??= startTemporal().then((t) => (temporal = t)));
after(() => temporal?.stop());

for (const kind of backends) {
  describe(`API on ${kind}`, () => {
    const ctx = {} as SuiteContext;
    let database: TestDatabase | undefined;
    before(async () => {
      // Temporal starts while the database opens.
      const [server, opened] = await Promise.all([temporalServer(), openTestDatabase(kind)]);
      database = opened;
      ctx.temporal = server;
      ctx.h = await createHarness(opened.db, server);
    });
    after(async () => {
      await ctx.h?.close();
      await database?.close();
    });
    seriesTests(ctx);
    filesTests(ctx);
    accountTests(ctx);
    resourceTests(ctx);
    parameterSchemaTests(ctx);
    quotaTests(ctx);
    inputTests(ctx);
    resultsTests(ctx);
  });
}
