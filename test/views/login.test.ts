/**
 * The login page in headless Chromium with a wallet injected as real wallets
 * inject themselves (EIP-6963): from the relying party's authorization request
 * to its redirect with a code that openid-client exchanges for an ID token.
 */
import assert from 'node:assert/strict';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, messageShown, signButton, signedText } from '../support/browser/login-page.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { injectWallets, TestWallet } from '../support/browser/wallet.js';

describe('browser: login through the page', function () {
  this.timeout(60_000);
  const suite = browserSuite();

  it('wallet list, the exact message shown before the wallet is asked, one signature, a code exchanged for an ID token', async () => {
    const { page } = suite.tab;
    const wallet = new TestWallet({ name: 'Test Wallet' });
    await injectWallets(page, [wallet]);
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await page.goto(request.url.href);

    await page.getByRole('button', { name: 'Test Wallet' }).waitFor();
    await screenshot(page, 'login-wallets', { dark: true });
    await chooseWallet(page, 'Test Wallet');

    const shown = await messageShown(page);
    assert.match(shown, new RegExp(`^localhost:\\d+ wants you to sign in with your Ethereum account:\\n${wallet.address}\\n`));
    assert.match(shown, /\nChain ID: 1\n/);
    assert.equal(await page.locator('#account').textContent(), wallet.address);
    assert.ok(!wallet.requests.some((r) => r.method === 'personal_sign'), 'the wallet is not asked to sign before the message is shown');
    await screenshot(page, 'login-message', { dark: true });

    await signButton(page).click();
    const callback = await callbackOf(page, suite.rp.redirectUri);
    const signing = wallet.requests.find((r) => r.method === 'personal_sign');
    assert.equal(signedText(signing!.params), shown, 'the wallet signed exactly the text shown');
    const claims = await exchange(suite.firstParty, callback, request);
    assert.equal(claims.sub, wallet.address);
  });

  it('two announced wallets: the person picks the second, whose address becomes the sub', async () => {
    const { page } = suite.tab;
    const first = new TestWallet({ name: 'Alpha Wallet' });
    const second = new TestWallet({ name: 'Beta Wallet' });
    await injectWallets(page, [first, second]);
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await page.goto(request.url.href);
    await page.getByRole('button', { name: 'Beta Wallet' }).waitFor();
    assert.equal(await page.locator('#wallet-list button').count(), 2);
    await screenshot(page, 'login-two-wallets');
    await chooseWallet(page, 'Beta Wallet');
    await messageShown(page);
    await signButton(page).click();
    const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
    assert.equal(claims.sub, second.address);
    assert.equal(first.requests.length, 0, 'the first wallet was never asked');
  });

  it('works with the keyboard alone: focus moves to the next action, states are announced in a live region', async () => {
    const { page } = suite.tab;
    const wallet = new TestWallet({ name: 'Test Wallet' });
    await injectWallets(page, [wallet]);
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await page.goto(request.url.href);
    await page.getByRole('button', { name: 'Test Wallet' }).waitFor();
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Test Wallet', 'focus starts on the first wallet');
    await page.keyboard.press('Enter');
    await messageShown(page);
    assert.equal(await page.evaluate('document.activeElement.id'), 'sign', 'focus moves to the sign button');
    const status = page.getByRole('status').first();
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    assert.equal(await status.textContent(), 'Check the message, then sign it with Test Wallet.');
    await page.keyboard.press('Enter');
    const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
    assert.equal(claims.sub, wallet.address);
  });
});
