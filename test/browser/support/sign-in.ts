// Signing a browser page in through the sign-in form (what a person does first).
import type { Page } from 'playwright-core';

export async function signIn(
  page: Page,
  url: string,
  who: { name: string; password: string },
): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(`${url}/`), page.click('button[type=submit]')]);
}
