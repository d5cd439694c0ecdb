/** Signs a console page in through its form, as a person would, and waits until it is live. */
import type { Page } from 'playwright-core';

export async function signInThroughForm(
  page: Page,
  consoleUrl: string,
  serverUrl: string,
  who: { email: string; password: string },
  timeoutMs = 30_000,
): Promise<void> {
  await page.goto(consoleUrl);
  await page.getByTestId('signin-server').fill(serverUrl);
  await page.getByTestId('signin-email').fill(who.email);
  await page.getByTestId('signin-password').fill(who.password);
  await page.getByTestId('signin-submit').click();
  await page
    .locator('[data-testid="connection-indicator"][data-status="live"]')
    .waitFor({ timeout: timeoutMs });
}
