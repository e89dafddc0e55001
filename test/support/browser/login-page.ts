/** The login page's controls, as a person finds them: by role and accessible name. */
import type { Page } from 'playwright-core';

export const signButton = (page: Page) => page.getByRole('button', { name: 'Sign the message' });

/** Clicks the wallet of that name in the list. */
export async function chooseWallet(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name }).click();
}

/** Waits until the message is shown and can be signed; returns its text. */
export async function messageShown(page: Page): Promise<string> {
  await page.locator('#sign:enabled').waitFor();
  return (await page.locator('#message').textContent()) ?? '';
}

/** The text of an alert (problem) region once it has some: the wallet step's, or sign elsewhere's. */
export async function problemShown(page: Page, region: 'problem' | 'ext-problem' = 'problem'): Promise<string> {
  await page.locator(`#${region} p`).first().waitFor();
  return (await page.locator(`#${region}`).textContent()) ?? '';
}

/** The text the personal_sign request carried (hex-encoded UTF-8). */
export function signedText(params: unknown[]): string {
  return Buffer.from(String(params[0]).slice(2), 'hex').toString('utf8');
}

/** The ENS name the page shows beside the account, once shown (#ens visible). */
export async function ensNameShown(page: Page): Promise<string> {
  await page.locator('#ens').waitFor({ state: 'visible' });
  return (await page.locator('#ens-name').textContent()) ?? '';
}
