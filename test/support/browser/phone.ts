/**
 * A phone for the cross-device tests: a browser context with a phone's
 * viewport, touch and user agent, and (if given) wallets injected the way a
 * wallet's in-app browser injects itself. Its requests and errors are recorded
 * like a desktop page's (browser.ts).
 */
import type { Browser } from 'playwright-core';
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
