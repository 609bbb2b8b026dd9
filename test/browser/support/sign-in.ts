// Signing a browser page in through the sign-in form (what a person does first).
import type { Page } from 'playwright-core';

/**
 * The sign-in answers after one scrypt at the production cost (128 MiB, ~0.4 s on an idle core):
 * at a load of 45 on 2 cores it took longer than the pages' 15 s default (the click waits for the
 * navigation it starts, too). Only a broken sign-in waits this out.
 */
export const SIGN_IN_TIMEOUT_MS = 60_000;

export async function signIn(
  page: Page,
  url: string,
  who: { name: string; password: string },
): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([
    page.waitForURL(`${url}/`, { timeout: SIGN_IN_TIMEOUT_MS }),
    page.click('button[type=submit]', { timeout: SIGN_IN_TIMEOUT_MS }),
  ]);
}

/** Signs the page out through the header's button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await Promise.all([page.waitForURL(/\/login$/), page.click('form.signout button')]);
}
