// What browser tests wait for on an open series page, as its live updates (server-sent
// events) change it without a reload.
import type { Page } from 'playwright-core';

/** Waits until the series page shows the series in `state` (its badge's data-state). */
export async function waitForShownSeriesState(page: Page, state: string, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      document.querySelector('[data-series-state] [data-state]')?.getAttribute('data-state') === wanted,
    state,
    { timeout: timeoutMs },
  );
}
