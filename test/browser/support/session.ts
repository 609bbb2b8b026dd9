// What every browser test file starts with: Chromium, one page signed in through the sign-in
// form, and what the page reports going wrong (script errors, Content-Security-Policy
// violations), which a test asserts empty at its end.
import type { Page } from 'playwright-core';
import { collectPageErrors, launchBrowser, type Browser } from './browser.ts';
import { signIn } from './sign-in.ts';

/** The bootstrap admin of test/support/stack.ts startTestStack (TUPLET_ADMIN_PASSWORD there). */
export const STACK_ADMIN = { name: 'admin', password: 'test-password-long' };

export interface BrowserSession {
  browser: Browser;
  page: Page;
  /** Script errors of the page. */
  errors: string[];
  /** Console messages of the page about its Content-Security-Policy. */
  cspViolations: string[];
  close(): Promise<void>;
}

/**
 * Chromium with one page, signed in as `who` on the Tuplet at `url`; without `who`, not signed
 * in (for a file whose first test is the sign-in itself).
 */
export async function openBrowserSession(
  url: string,
  who?: { name: string; password: string },
): Promise<BrowserSession> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    if (who) await signIn(page, url, who);
    return { browser, page, errors, cspViolations, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
