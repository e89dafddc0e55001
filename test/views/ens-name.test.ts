/**
 * The login page shows the connected account's ENS name beside it (a test ENS on anvil, see
 * test/support/chain/ens.ts): asked from our own origin once the wallet connects, replaced when
 * the account changes, absent for an account without a verified primary name, and the same
 * name reaches the relying party as preferred_username; each address is asked once per page (a
 * chain switch shows the name again without a lookup). Nothing is loaded from another origin,
 * no console error, no CSP violation (the suite checks every test).
 */
import assert from 'node:assert/strict';
import { type Wallet, id, Wallet as EthersWallet } from 'ethers';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, ensNameShown, messageShown, signButton } from '../support/browser/login-page.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { injectWallets, TestWallet } from '../support/browser/wallet.js';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { deployTestEns, type TestEns } from '../support/chain/ens.js';

describe('browser: the ENS name beside the account', function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let ens: TestEns;
  let alice: Wallet;
  let bob: Wallet;

  before(async function () {
    this.timeout(60_000);
    anvil = await startAnvil();
    [alice, bob] = anvil.accounts.slice(1, 3) as [Wallet, Wallet];
    ens = await deployTestEns(anvil.accounts[0]!);
    await ens.register('alice.test', alice.address);
    await ens.setPrimaryName(alice, 'alice.test');
    await ens.register('bob.test', bob.address);
    await ens.setPrimaryName(bob, 'bob.test');
  });
  after(() => anvil?.stop());

  const suite = browserSuite({
    env: () => ({ ENS_RPC_URL: anvil.url, ENS_REGISTRY: ens.registryAddress, ENS_TIMEOUT: '2000', CHAIN_IDS: '1,10' }),
  });

  it('shows the name once the wallet connects, follows an account change, and the RP gets it as preferred_username', async () => {
    const { page } = suite.tab;
    const wallet = new TestWallet({ name: 'Test Wallet', accounts: [alice, bob], allAccounts: true });
    await injectWallets(page, [wallet]);
    const request = await authorization(suite.firstParty, suite.rp.redirectUri, { scope: 'openid profile' });
    await page.goto(request.url.href);
    await chooseWallet(page, 'Test Wallet');
    await messageShown(page);
    assert.equal(await ensNameShown(page), 'alice.test');
    assert.equal(await page.locator('#ens dt').textContent(), 'ENS name');
    assert.equal(await page.locator('#ens-avatar').isHidden(), true, 'no avatar record: no image');

    await page.locator('#account-select').selectOption(bob.address);
    await page.locator('#ens-name', { hasText: 'bob.test' }).waitFor();
    await page.locator('#account-select').selectOption(alice.address);
    await page.locator('#ens-name', { hasText: 'alice.test' }).waitFor();
    await messageShown(page);

    await signButton(page).click();
    const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
    assert.equal(claims.sub, alice.address);
    assert.equal(claims.preferred_username, 'alice.test');
    assert.equal(claims.name, 'alice.test');
  });

  it('looks a name up once per address: ten chain switches later it is still shown, past the per-sign-in lookup limit', async () => {
    const { page } = suite.tab;
    const wallet = new TestWallet({ name: 'Test Wallet', accounts: [alice], chainId: 1 });
    await injectWallets(page, [wallet]);
    const lookups: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/ens')) lookups.push(request.url());
    });
    const request = await authorization(suite.firstParty, suite.rp.redirectUri, { scope: 'openid profile' });
    await page.goto(request.url.href);
    await chooseWallet(page, 'Test Wallet');
    await messageShown(page);
    assert.equal(await ensNameShown(page), 'alice.test');
    for (let i = 1; i <= 10; i++) {
      const chainId = i % 2 === 1 ? 10 : 1;
      await wallet.selectChain(chainId);
      await page.locator('#message', { hasText: `Chain ID: ${chainId}\n` }).waitFor();
      await page.locator('#ens-name', { hasText: 'alice.test' }).waitFor();
    }
    assert.equal(await page.locator('#ens').isHidden(), false);
    assert.equal(lookups.length, 1, `one lookup: ${lookups.join(', ')}`);
    await signButton(page).click();
    const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
    assert.equal(claims.preferred_username, 'alice.test');
  });

  it('an account without a primary name shows none', async () => {
    const { page } = suite.tab;
    const stranger = new EthersWallet(id('ens-name.test stranger'));
    const wallet = new TestWallet({ name: 'Test Wallet', accounts: [stranger] });
    await injectWallets(page, [wallet]);
    const request = await authorization(suite.firstParty, suite.rp.redirectUri, { scope: 'openid profile' });
    const lookedUp = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/ens'));
    await page.goto(request.url.href);
    await chooseWallet(page, 'Test Wallet');
    await messageShown(page);
    const answer = await lookedUp;
    assert.equal(answer.status(), 200);
    assert.deepEqual(await answer.json(), { address: stranger.address, name: null, avatar: null });
    assert.equal(await page.locator('#ens').isHidden(), true);
  });
});
