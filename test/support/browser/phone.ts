/**
 * A phone for the cross-device tests: a browser context with a phone's
 * viewport, touch and user agent, and (if given) wallets injected the way a
 * wallet's in-app browser injects itself. Its requests and errors are recorded
 * like a desktop page's (browser.ts).
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { readQr } from '../qr.js';
import { PHONE, type TestPage, watchedPage } from './browser.js';
import { injectWallets, type TestWallet } from './wallet.js';

const PHONE_USER_AGENT =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

export async function openPhone(browser: Browser, wallets: TestWallet[] = [], options: { locale?: string } = {}): Promise<TestPage> {
  const phone = await watchedPage(
    await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      userAgent: PHONE_USER_AGENT,
      locale: options.locale ?? 'en-US',
    }),
  );
  if (wallets.length > 0) await injectWallets(phone.page, wallets);
  return phone;
}

/** Opens "Use a wallet on your phone" on the desktop and reads the QR code off a screenshot of the page, as a phone's camera would; returns the link and the match code shown. */
export async function scanDesktop(page: Page): Promise<{ link: string; code: string }> {
  await page.getByRole('button', { name: 'Use a wallet on your phone' }).first().click();
  await page.getByText('Waiting for your phone to sign…').waitFor();
  await page.locator('#phone-qr').scrollIntoViewIfNeeded();
  await page.waitForFunction("document.getElementById('phone-qr').complete");
  const link = readQr(await page.screenshot());
  assert.ok(link, 'a QR code is read from the screenshot');
  const code = (await page.locator('#phone-code').textContent()) ?? '';
  assert.match(code, /^[1-9]\d$/, 'a two-digit match code');
  assert.equal(await page.locator('#phone-link').textContent(), link, 'the link is shown beside its QR code');
  return { link, code };
}
