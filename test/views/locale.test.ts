/**
 * The page's language: the RP's ui_locales chooses among the catalogues
 * present, then the browser's language, then English; the page script's own
 * texts come from the same catalogue.
 */
import assert from 'node:assert/strict';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, messageShown } from '../support/browser/login-page.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { injectWallets, TestWallet } from '../support/browser/wallet.js';

describe('browser: the login page in German', function () {
  this.timeout(60_000);

  describe('an English browser', () => {
    const suite = browserSuite();

    it('ui_locales=de selects German, for the page and its script, through a whole login', async () => {
      const { page } = suite.tab;
      const wallet = new TestWallet({ name: 'Test Wallet' });
      wallet.failNext('personal_sign', 4001);
      await injectWallets(page, [wallet]);
      const request = await authorization(suite.firstParty, suite.rp.redirectUri, { ui_locales: 'fr-CA de-CH en' });
      await page.goto(request.url.href);
      await page.getByRole('heading', { name: 'Bei First Party App anmelden' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'de');
      await chooseWallet(page, 'Test Wallet');
      await messageShown(page);
      assert.equal(
        await page.getByRole('status').first().textContent(),
        'Prüfen Sie die Nachricht und signieren Sie sie dann mit Test Wallet.',
      );
      await page.getByRole('button', { name: 'Nachricht signieren' }).click();
      await page.getByText('Sie haben in Ihrer Wallet abgelehnt').waitFor();
      await screenshot(page, 'login-de-rejected');
      await page.getByRole('button', { name: 'Erneut versuchen' }).click();
      assert.equal((await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request)).sub, wallet.address);
    });

    it('a ui_locales we do not have falls back to English', async () => {
      const { page } = suite.tab;
      const request = await authorization(suite.firstParty, suite.rp.redirectUri, { ui_locales: 'fr' });
      await page.goto(request.url.href);
      await page.getByRole('heading', { name: 'Sign in to First Party App' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    });
  });

  describe('a German browser', () => {
    const suite = browserSuite({ locale: 'de-DE' });

    it('without ui_locales follows Accept-Language; ui_locales=en still wins', async () => {
      const { page } = suite.tab;
      await page.goto((await authorization(suite.firstParty, suite.rp.redirectUri)).url.href);
      await page.getByText('In diesem Browser wurde keine Ethereum-Wallet gefunden.').waitFor();
      await screenshot(page, 'login-de-no-wallet');
      await page.goto((await authorization(suite.firstParty, suite.rp.redirectUri, { ui_locales: 'en' })).url.href);
      await page.getByRole('heading', { name: 'Sign in to First Party App' }).waitFor();
    });
  });
});
