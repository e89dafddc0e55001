/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core:
 * a fresh context per test, every request the page makes recorded, and
 * screenshots written under test-artifacts/screenshots/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-artifacts/screenshots/', import.meta.url));
export const DESKTOP = { width: 1024, height: 800 };
export const PHONE = { width: 360, height: 740 };

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Every URL a page of this context requested, in order. */
  requests: string[];
  /** Script errors and console errors (a CSP violation is one), except failed HTTP statuses the test provoked. */
  errors: string[];
}

export async function openPage(browser: Browser, options: { locale?: string } = {}): Promise<TestPage> {
  return watchedPage(await browser.newContext({ viewport: DESKTOP, locale: options.locale ?? 'en-US' }));
}

/** A page of `context` whose requests and errors (page errors, console errors) are recorded for the test to check. */
export async function watchedPage(context: BrowserContext): Promise<TestPage> {
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of')) {
      errors.push(message.text());
    }
  });
  return { context, page, requests, errors };
}

/** Asserts that every request went to one of `origins` (data: URLs are not requests). */
export function assertOnlyOrigins(requests: string[], origins: string[]): void {
  const elsewhere = requests.filter((url) => !url.startsWith('data:') && !origins.includes(new URL(url).origin));
  assert.deepEqual(elsewhere, [], `requests left for another origin: ${elsewhere.join(', ')}`);
  assert.ok(requests.length > 0, 'no request was recorded');
}

/**
 * Writes `<name>-desktop.png` and `<name>-360.png` (a 360-pixel-wide phone), in the page's current
 * colour scheme, or `-dark-` ones too when asked. Also asserts that nothing overflows a 360 px width.
 */
export async function screenshot(page: Page, name: string, options: { dark?: boolean } = {}): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const schemes: ('light' | 'dark')[] = options.dark ? ['light', 'dark'] : ['light'];
  const viewport = page.viewportSize() ?? DESKTOP;
  try {
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      const suffix = scheme === 'dark' ? '-dark' : '';
      await page.setViewportSize(DESKTOP);
      await page.screenshot({ path: `${SCREENSHOT_DIR}${name}${suffix}-desktop.png`, fullPage: true });
      await page.setViewportSize(PHONE);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.equal(overflow, 0, `${name}: the page is wider than a 360 px screen`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}${name}${suffix}-360.png`, fullPage: true });
    }
  } finally {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: 'light' });
  }
}
