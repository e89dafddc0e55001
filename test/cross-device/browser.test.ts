/**
 * Cross-device sign-in in real Chromium: a desktop without a wallet shows a
 * QR code; the test reads it from a screenshot as a phone's camera would,
 * opens the link in a phone context (mobile viewport, injected wallet),
 * checks the match code and signs; the desktop learns of it by itself and
 * reaches the relying party with `sub` = the phone wallet's address. Every
 * page of both contexts stays on our origin (and the RP's), with no script
 * error and no CSP violation.
 */
import assert from 'node:assert/strict';
import { assertOnlyOrigins, screenshot, type TestPage } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { messageShown, signButton, signedText } from '../support/browser/login-page.js';
import { openPhone, scanDesktop } from '../support/browser/phone.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { TestWallet } from '../support/browser/wallet.js';

describe('browser: cross-device sign-in (a phone wallet signs for the desktop)', function () {
  this.timeout(90_000);
  const suite = browserSuite();
  let phone: TestPage | undefined;

  afterEach(async function () {
    try {
      if (phone && this.currentTest?.state === 'passed') {
        assertOnlyOrigins(phone.requests, [suite.server.issuer]);
        assert.deepEqual(phone.errors, [], 'the phone: no script error, no Content-Security-Policy violation');
      }
    } finally {
      await phone?.context.close();
      phone = undefined;
    }
  });

  it('the desktop shows a QR code; the phone scans it, checks the match code, signs; the desktop reaches the RP as the phone wallet', async () => {
    const desktop = suite.tab.page;
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await desktop.goto(request.url.href);
    await desktop.getByText('No Ethereum wallet was found in this browser.').waitFor();
    const { link, code } = await scanDesktop(desktop);
    assert.match(link, new RegExp(`^${suite.server.issuer}/sign/[A-Za-z0-9_-]{24}$`));
    await screenshot(desktop, 'cross-device-desktop-qr');

    const wallet = new TestWallet({ name: 'Phone Wallet' });
    phone = await openPhone(suite.browser, [wallet]);
    await phone.page.goto(link);
    await phone.page.getByRole('heading', { name: 'Sign in to First Party App on your computer' }).waitFor();
    assert.equal(await phone.page.locator('#match-code').textContent(), code, 'the phone shows the match code the desktop shows');
    await phone.page.getByText(`If your computer does not show ${code}`).waitFor();
    await phone.page.getByText(suite.server.issuer, { exact: true }).waitFor();
    await phone.page.getByRole('button', { name: 'Phone Wallet' }).click();
    const message = await messageShown(phone.page);
    assert.match(message, new RegExp(`^localhost:\\d+ wants you to sign in with your Ethereum account:\\n${wallet.address}\\n`));
    await screenshot(phone.page, 'cross-device-phone');

    const signedAt = Date.now();
    await signButton(phone.page).click();
    await phone.page.getByRole('heading', { name: 'Done — return to your computer' }).waitFor();
    assert.equal(signedText(wallet.requests.find((call) => call.method === 'personal_sign')!.params), message);

    const callback = await callbackOf(desktop, suite.rp.redirectUri);
    assert.ok(Date.now() - signedAt < 5000, 'the desktop went on by itself');
    const claims = await exchange(suite.firstParty, callback, request);
    assert.equal(claims.sub, wallet.address);
    assert.deepEqual(claims.amr, ['pop']);

    // The link is used up: opening it again is refused with a clear page.
    await phone.page.goto(link);
    await phone.page.getByText('this sign-in link is wrong, has expired or was already used').waitFor();
  });

  it('a phone browser without a wallet offers to open the page in a wallet app; a wrong link gets a clear page', async () => {
    const desktop = suite.tab.page;
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await desktop.goto(request.url.href);
    const { link } = await scanDesktop(desktop);

    phone = await openPhone(suite.browser);
    await phone.page.goto(link);
    await phone.page.getByText('This browser has no Ethereum wallet.').waitFor();
    const url = new URL(link);
    const hrefs = Object.fromEntries(
      await Promise.all(
        ['MetaMask', 'Coinbase Wallet', 'Trust Wallet', 'Rainbow'].map(async (wallet) => [
          wallet,
          await phone!.page.getByRole('link', { name: `Open in ${wallet}` }).getAttribute('href'),
        ]),
      ),
    );
    assert.deepEqual(hrefs, {
      MetaMask: `https://metamask.app.link/dapp/${url.host}${url.pathname}`,
      'Coinbase Wallet': `https://go.cb-w.com/dapp?cb_url=${encodeURIComponent(link)}`,
      'Trust Wallet': `https://link.trustwallet.com/open_url?coin_id=60&url=${encodeURIComponent(link)}`,
      Rainbow: `https://rnbwapp.com/dapp?url=${encodeURIComponent(link)}`,
    });
    await screenshot(phone.page, 'cross-device-phone-no-wallet');

    const wrong = `${link.slice(0, -4)}AAAA`;
    const answer = await phone.page.goto(wrong);
    assert.equal(answer?.status(), 404);
    await phone.page.getByText('this sign-in link is wrong, has expired or was already used').waitFor();
  });
});
