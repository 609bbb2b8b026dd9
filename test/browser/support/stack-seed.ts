// Browser tests that need series to really run: the whole stack (a Temporal dev server, PGlite,
// the local host; test/support/stack.ts), one per test file, and series seeded through its API
// as a script would — an application registered, a series created and waited for to end.
import assert from 'node:assert/strict';
import { waitForSeriesEnd, type Api, type SeriesBody } from '../../support/stack.ts';
import { startTemporalAndStack, type TemporalAndStack } from '../../support/stack-per-file.ts';
import { STACK_ADMIN } from './session.ts';
import { useBrowserOn, type BrowserOn } from './use-session.ts';

export type BrowserTestStack = TemporalAndStack;

/** Temporal and the stack for a browser test file (test/support/stack-per-file.ts). */
export function startBrowserTestStack(): Promise<BrowserTestStack> {
  return startTemporalAndStack();
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

/** A browser test file over the whole stack, signed in as the stack's admin (support/use-session.ts). */
export function useBrowserOnStack(): BrowserOn<BrowserTestStack> {
  return useBrowserOn(
    startBrowserTestStack,
    { urlOf: (running) => running.stack.url, close: (running) => running.stop() },
    STACK_ADMIN,
  );
}
