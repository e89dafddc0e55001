/**
 * Every wallet state the login page must handle, in headless Chromium: a
 * refusal and a retry, a request already pending, the wrong chain (switched by
 * the page, or refused by the wallet), account and chain changes while the
 * page is open, the RP's login_hint, a server rejection, and window.ethereum.
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, messageShown, problemShown, signButton, signedText } from '../support/browser/login-page.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { injectWallets, TestWallet } from '../support/browser/wallet.js';

describe('browser: wallet states on the login page', function () {
  this.timeout(60_000);
  const suite = browserSuite({ env: { CHAIN_IDS: '1,8453' } });

  /** Opens the login page of a new authorization request with these wallets injected. */
  async function open(wallets: TestWallet[], extra: Record<string, string> = {}) {
    const { page } = suite.tab;
    await injectWallets(page, wallets);
    const request = await authorization(suite.firstParty, suite.rp.redirectUri, extra);
    await page.goto(request.url.href);
    return { page, request };
  }

  async function finish(page: typeof suite.tab.page, request: Awaited<ReturnType<typeof open>>['request']) {
    return exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
  }

  it('the person declines in the wallet (4001): a calm message and Try again, which signs', async () => {
    const wallet = new TestWallet({ name: 'Test Wallet' });
    wallet.failNext('personal_sign', 4001);
    const { page, request } = await open([wallet]);
    await chooseWallet(page, 'Test Wallet');
    await messageShown(page);
    await signButton(page).click();
    assert.match(await problemShown(page), /You declined in your wallet, so nothing was signed/);
    const retry = page.locator('#problem').getByRole('button', { name: 'Try again' });
    assert.equal(await retry.evaluate((node) => node === node.ownerDocument.activeElement), true, 'focus moves to Try again');
    await screenshot(page, 'login-rejected', { dark: true });
    await retry.click();
    const claims = await finish(page, request);
    assert.equal(claims.sub, wallet.address);
    assert.equal(wallet.requests.filter((r) => r.method === 'personal_sign').length, 2);
  });

  it('a request already pending in the wallet (-32002): says so, and Try again connects', async () => {
    const wallet = new TestWallet({ name: 'Test Wallet' });
    wallet.failNext('eth_requestAccounts', -32002);
    const { page, request } = await open([wallet]);
    await chooseWallet(page, 'Test Wallet');
    assert.match(await problemShown(page), /Test Wallet already has a request waiting/);
    await screenshot(page, 'login-pending');
    await page.locator('#problem').getByRole('button', { name: 'Try again' }).click();
    await messageShown(page);
    await signButton(page).click();
    assert.equal((await finish(page, request)).sub, wallet.address);
  });

  it('the wrong chain: names the accepted chains, switches with wallet_switchEthereumChain, rebuilds the message', async () => {
    const wallet = new TestWallet({ name: 'Test Wallet', chainId: 137 });
    const { page, request } = await open([wallet]);
    await chooseWallet(page, 'Test Wallet');
    await page
      .getByText('Your wallet is on Polygon (137), which this sign-in does not accept. It accepts: Ethereum (1), Base (8453).')
      .waitFor();
    assert.equal(await page.locator('#message').isVisible(), false, 'no message for a chain the server refuses');
    assert.equal(await signButton(page).isVisible(), false);
    await screenshot(page, 'login-wrong-chain', { dark: true });
    await page.getByRole('button', { name: 'Switch to Base (8453)' }).click();
    const shown = await messageShown(page);
    assert.match(shown, /\nChain ID: 8453\n/);
    assert.deepEqual(wallet.requests.find((r) => r.method === 'wallet_switchEthereumChain')?.params, [{ chainId: '0x2105' }]);
    await signButton(page).click();
    assert.equal((await finish(page, request)).sub, wallet.address);
  });

  it('the wallet refuses to switch (4902): says which chains are accepted; the person switches in the wallet', async () => {
    const wallet = new TestWallet({ name: 'Test Wallet', chainId: 137, unknownChains: [1] });
    const { page, request } = await open([wallet]);
    await chooseWallet(page, 'Test Wallet');
    await page.getByRole('button', { name: 'Switch to Ethereum (1)' }).click();
    await page.getByText('Your wallet did not switch networks. Switch it yourself to one of: Ethereum (1), Base (8453).').waitFor();
    await screenshot(page, 'login-switch-refused');
    await wallet.selectChain(1);
    const shown = await messageShown(page);
    assert.match(shown, /\nChain ID: 1\n/);
    assert.match((await page.locator('#status').textContent()) ?? '', /Your wallet changed to Ethereum \(1\); the message is updated/);
    await signButton(page).click();
    assert.equal((await finish(page, request)).sub, wallet.address);
  });

  it('the account changes in the wallet before signing: the message is rebuilt and the new account signs in', async () => {
    const [first, second] = [Wallet.createRandom(), Wallet.createRandom()];
    const wallet = new TestWallet({ name: 'Test Wallet', accounts: [first, second] });
    const { page, request } = await open([wallet]);
    await chooseWallet(page, 'Test Wallet');
    assert.match(await messageShown(page), new RegExp(`\\n${first.address}\\n`));
    await wallet.selectAccount(1);
    await page.locator('#message').getByText(second.address).waitFor();
    assert.equal(await page.locator('#account').textContent(), second.address);
    assert.match((await page.locator('#status').textContent()) ?? '', /Your wallet changed to the account/);
    await screenshot(page, 'login-account-changed');
    const shown = await messageShown(page);
    await signButton(page).click();
    const claims = await finish(page, request);
    assert.equal(claims.sub, second.address);
    assert.equal(signedText(wallet.requests.find((r) => r.method === 'personal_sign')!.params), shown);
  });

  it("pre-selects the RP's login_hint among the wallet's accounts", async () => {
    const [first, second] = [Wallet.createRandom(), Wallet.createRandom()];
    const wallet = new TestWallet({ name: 'Test Wallet', accounts: [first, second], allAccounts: true });
    const { page, request } = await open([wallet], { login_hint: second.address.toLowerCase() });
    await chooseWallet(page, 'Test Wallet');
    assert.match(await messageShown(page), new RegExp(`\\n${second.address}\\n`));
    const select = page.getByRole('combobox', { name: 'Account' });
    assert.equal((await select.inputValue()).toLowerCase(), second.address.toLowerCase());
    await screenshot(page, 'login-account-choice');
    await signButton(page).click();
    assert.equal((await finish(page, request)).sub, second.address);
  });

  it('explains a refused signature in plain words, with the reference the server logged', async () => {
    const wallet = new TestWallet({ name: 'Broken Wallet', signWith: Wallet.createRandom() });
    const { page } = await open([wallet]);
    await chooseWallet(page, 'Broken Wallet');
    await messageShown(page);
    const answer = page.waitForResponse((response) => response.url().endsWith('/login'));
    await signButton(page).click();
    const body = await (await answer).json();
    assert.equal(body.error, 'invalid_signature');
    const shown = await problemShown(page);
    assert.ok(shown.includes(`The signature does not match the account ${wallet.address}`), shown);
    assert.ok(shown.includes(`Reference: ${body.reference}`), shown);
    await screenshot(page, 'login-server-rejected');
  });

  it('falls back to window.ethereum when no wallet announces itself', async () => {
    const wallet = new TestWallet({ name: 'Old Wallet', announce: false, legacy: true });
    const { page, request } = await open([wallet]);
    await chooseWallet(page, 'Browser wallet');
    await messageShown(page);
    await signButton(page).click();
    assert.equal((await finish(page, request)).sub, wallet.address);
  });
});
