// The hooks every browser test file starts with: the Tuplet under test started, then Chromium
// on it (support/session.ts), signed in or not; closed in reverse order after the tests. Files
// seed in their own before hooks, registered after this call: those run once both are up.
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from './session.ts';
import { startWebTestServer, type WebTestServer } from './server.ts';

export interface BrowserOn<T> {
  /** What `start` answered: the Tuplet under test. */
  readonly tuplet: T;
  readonly session: BrowserSession;
  readonly page: Page;
}

/**
 * Registers the hooks: `start()` the Tuplet, then a browser session on `urlOf` it, signed in as
 * `who` (absent: not signed in). The answer's fields are there once the hooks ran: read them in
 * tests and later hooks, never at registration.
 */
export function useBrowserOn<T>(
  start: () => Promise<T>,
  tuplet: { urlOf(started: T): string; close(started: T): Promise<void> },
  who?: { name: string; password: string },
): BrowserOn<T> {
  let started: T | undefined;
  let session: BrowserSession | undefined;
  before(async () => {
    started = await start();
    session = await openBrowserSession(tuplet.urlOf(started), who);
  });
  after(async () => {
    await session?.close();
    if (started !== undefined) await tuplet.close(started);
  });
  const opened = () => {
    if (started === undefined || !session)
      throw new Error('read before the before() hook opened the browser');
    return { tuplet: started, session };
  };
  return {
    get tuplet() {
      return opened().tuplet;
    },
    get session() {
      return opened().session;
    },
    get page() {
      return opened().session.page;
    },
  };
}

/** A browser test file over the seeded web server (support/server.ts), signed in as `who` or not. */
export function useBrowserOnWebServer(who?: { name: string; password: string }): BrowserOn<WebTestServer> {
  return useBrowserOn(
    startWebTestServer,
    { urlOf: (server) => server.url, close: (server) => server.close() },
    who,
  );
}
