// Browser tests that need series to really run: the whole stack (a Temporal dev server, PGlite,
// the local host; test/support/stack.ts), one per test file, and series seeded through its API
// as a script would — an application registered, a series created and waited for to end.
import assert from 'node:assert/strict';
import {
  startTestStack,
  waitForSeriesEnd,
  type Api,
  type InProcessStack,
  type SeriesBody,
} from '../../support/stack.ts';
import { startTemporal, type TestTemporal } from '../../support/temporal.ts';

export interface BrowserTestStack {
  temporal: TestTemporal;
  stack: InProcessStack;
  stop(): Promise<void>;
}

export async function startBrowserTestStack(): Promise<BrowserTestStack> {
  const temporal = await startTemporal();
  try {
    const stack = await startTestStack({ temporalAddress: temporal.address });
    return {
      temporal,
      stack,
      async stop() {
        await stack.stop();
        await temporal.stop();
      },
    };
  } catch (error) {
    await temporal.stop();
    throw error;
  }
}

/** POST /api/v1/applications as the admin; fails the test unless it is created. */
export async function addApplication(api: Api, application: Record<string, unknown>): Promise<void> {
  const created = await api.request('POST', '/api/v1/applications', application);
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

/** POST /api/v1/series as the admin, then waits for it to end: its id and final state. */
export async function runSeries(api: Api, body: Record<string, unknown>): Promise<SeriesBody> {
  const created = await api.request<{ id: string }>('POST', '/api/v1/series', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return waitForSeriesEnd(api, created.body.id);
}
