/**
 * The login page of a token-gated client (an OpenZeppelin ERC-721 pass on anvil): it names
 * the requirement before anyone signs (required gates, and optional ones as what they unlock),
 * in English and in German; a holder signs in and the relying party gets `groups`; a
 * non-holder sees the requirement and "Back to the application", which brings the relying
 * party error=access_denied; the same when the non-holder signs on a phone for the computer
 * (cross-device), on the computer's page.
 */
import assert from 'node:assert/strict';
import { id, Wallet } from 'ethers';
import type { ClientMetadata } from 'oidc-provider';
import type * as oidc from 'openid-client';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, messageShown, problemShown, signButton } from '../support/browser/login-page.js';
import { openPhone, scanDesktop } from '../support/browser/phone.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { injectWallets, TestWallet } from '../support/browser/wallet.js';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { deployTestTokens, send, type TestTokens } from '../support/chain/tokens.js';
import { FIRST_PARTY } from '../support/test-clients.js';

const CHAIN = 31337;
const holder = new Wallet(id('token-gates browser holder'));
const stranger = new Wallet(id('token-gates browser stranger'));

describe('browser: a token-gated client (ERC-721 pass on anvil)', function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let tokens: TestTokens;
  let passAddress: string;
  let gated: ClientMetadata;

  before(async function () {
    this.timeout(60_000);
    anvil = await startAnvil({ chainId: CHAIN });
    tokens = await deployTestTokens(anvil.accounts[0]!);
    passAddress = (await tokens.erc721.getAddress()) as string;
    await send(tokens.erc721, 'mint', holder.address, 1n);
    gated = {
      ...FIRST_PARTY,
      client_id: 'gated',
      client_name: 'Members',
      token_gates: [
        { group: 'holders', chain_id: CHAIN, standard: 'erc721', contract: passAddress, required: true },
        {
          group: 'gold',
          chain_id: CHAIN,
          standard: 'erc1155',
          contract: tokens.addresses.erc1155,
          token_id: '7',
          min_balance: '3',
          required: false,
        },
      ],
    };
  });

  after(async () => {
    await anvil?.stop();
  });

  describe('in English', () => {
    const suite = browserSuite({
      env: () => ({ CHAIN_IDS: String(CHAIN), RPC_URLS: `${CHAIN}=${anvil.url}` }),
      clients: (rp) => [rp.register(gated)],
    });
    let config: oidc.Configuration;
    before(async () => {
      config = await suite.discover(gated);
    });

    it('names the requirement before signing; a holder signs in and the relying party gets `groups`', async () => {
      const { page } = suite.tab;
      const wallet = new TestWallet({ name: 'Test Wallet', accounts: [holder], chainId: CHAIN });
      await injectWallets(page, [wallet]);
      const request = await authorization(config, suite.rp.redirectUri, { scope: 'openid groups' });
      await page.goto(request.url.href);
      const gates = page.locator('#gates');
      assert.equal(await gates.locator('p').first().textContent(), 'To sign in, your account must hold:');
      assert.equal(
        await gates.locator('#gates-required li').textContent(),
        `at least 1 token(s) of the ERC-721 collection ${passAddress} on chain ${CHAIN} (group “holders”)`,
      );
      assert.equal(
        await gates.locator('#gates-optional li').textContent(),
        `at least 3 of token 7 of the ERC-1155 contract ${(await tokens.erc1155.getAddress()) as string} on chain ${CHAIN}: unlocks the group “gold”`,
      );
      await screenshot(page, 'login-token-gates');
      await chooseWallet(page, 'Test Wallet');
      await messageShown(page);
      await signButton(page).click();
      const claims = await exchange(config, await callbackOf(page, suite.rp.redirectUri), request);
      assert.equal(claims.sub, holder.address);
      assert.deepEqual(claims.groups, ['holders']);
    });

    it('a non-holder sees the requirement, and “Back to the application” brings the relying party error=access_denied', async () => {
      const { page } = suite.tab;
      const wallet = new TestWallet({ name: 'Test Wallet', accounts: [stranger], chainId: CHAIN });
      await injectWallets(page, [wallet]);
      const request = await authorization(config, suite.rp.redirectUri, { scope: 'openid groups' });
      await page.goto(request.url.href);
      await chooseWallet(page, 'Test Wallet');
      await messageShown(page);
      await signButton(page).click();
      const text = await problemShown(page);
      assert.match(text, /^Your account does not hold what this application requires, so it cannot sign you in: /);
      assert.ok(text.includes(`group "holders"`) && text.includes(passAddress.toLowerCase()) && text.includes(`chain ${CHAIN}`), text);
      assert.equal(await signButton(page).isDisabled(), true, 'the sign-in is over: nothing to sign again');
      await screenshot(page, 'login-token-gate-refused');
      await page.getByRole('link', { name: 'Back to the application' }).click();
      const callback = await callbackOf(page, suite.rp.redirectUri);
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('state'), request.state);
    });

    it('a non-holder signing on a phone: the phone says why; the computer shows the requirement and “Back to the application”, not “Try again”', async () => {
      const desktop = suite.tab.page;
      const request = await authorization(config, suite.rp.redirectUri, { scope: 'openid groups' });
      await desktop.goto(request.url.href);
      const { link } = await scanDesktop(desktop);
      const phone = await openPhone(suite.browser, [new TestWallet({ name: 'Phone Wallet', accounts: [stranger], chainId: CHAIN })]);
      try {
        await phone.page.goto(link);
        await phone.page.getByRole('button', { name: 'Phone Wallet' }).click();
        await messageShown(phone.page);
        await signButton(phone.page).click();
        // The phone is told at once (its proof is recorded for the computer, which ends the sign-in).
        await phone.page.getByText(/^The sign-in was refused: the account does not hold what this application requires/).waitFor();
      } finally {
        await phone.context.close();
      }
      const problem = desktop.locator('#phone-problem');
      await problem.getByText(/^Your account does not hold what this application requires/).waitFor();
      const shown = (await problem.textContent()) ?? '';
      assert.ok(shown.includes(`group "holders"`), shown);
      assert.equal(await problem.getByRole('button', { name: 'Try again' }).count(), 0, 'the sign-in is over: nothing to try again');
      await screenshot(desktop, 'cross-device-token-gate-refused');
      await problem.getByRole('link', { name: 'Back to the application' }).click();
      const callback = await callbackOf(desktop, suite.rp.redirectUri);
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('state'), request.state);
    });
  });

  describe('in German', () => {
    const suite = browserSuite({
      env: () => ({ CHAIN_IDS: String(CHAIN), RPC_URLS: `${CHAIN}=${anvil.url}` }),
      clients: (rp) => [rp.register(gated)],
      locale: 'de-DE',
    });

    it('names the requirement in German', async () => {
      const { page } = suite.tab;
      const config = await suite.discover(gated);
      const request = await authorization(config, suite.rp.redirectUri);
      await page.goto(request.url.href);
      const gates = page.locator('#gates');
      assert.equal(await gates.locator('p').first().textContent(), 'Zur Anmeldung muss Ihr Konto besitzen:');
      assert.equal(
        await gates.locator('#gates-required li').textContent(),
        `mindestens 1 Token der ERC-721-Sammlung ${passAddress} auf Chain ${CHAIN} (Gruppe „holders“)`,
      );
      assert.match((await gates.locator('#gates-optional li').textContent()) ?? '', /schaltet die Gruppe „gold“ frei$/);
    });
  });
});
