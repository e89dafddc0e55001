/**
 * The login page with a smart account (a contract wallet): Safe 1.4.1 on a
 * private anvil chain (31337). The injected wallet's account is the Safe; its
 * personal_sign answers with the owners' Safe signature over the exact text
 * the page asks to sign, as Safe's own wallet apps do. With an RPC for the
 * chain the Safe signs in (ERC-1271); without one the page explains, in plain
 * words and in the page's language, that smart accounts are not enabled.
 */
import assert from 'node:assert/strict';
import { id, type Signer as EthersSigner, toUtf8String, Wallet } from 'ethers';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, messageShown, problemShown, signButton, signedText } from '../support/browser/login-page.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { injectWallets, type Signer, TestWallet } from '../support/browser/wallet.js';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { type RpcCounter, startRpcCounter } from '../support/chain/rpc-counter.js';
import {
  type CounterfactualSafe,
  counterfactualSafe,
  deploySafe,
  deploySafeInfrastructure,
  type SafeInfrastructure,
  safeSignMessage,
  wrap6492,
} from '../support/chain/wallets.js';

const CHAIN = 31337;
const CHAIN_IDS = `1,${CHAIN}`;
/** Fixed keys, so that a failure replays the same Safe addresses. */
const owners = [0, 1, 2].map((n) => new Wallet(id(`smart-account.test owner ${n}`)));

const SMART_ACCOUNTS_OFF =
  'Your wallet signed as a smart account (a contract wallet such as a Safe), and sign-in with smart accounts is not enabled for this network. Sign in with a regular account, or ask the application to enable it.';
const SMART_ACCOUNTS_OFF_DE =
  'Ihre Wallet hat als Smart Account (eine Vertrags-Wallet wie ein Safe) signiert, und die Anmeldung mit Smart Accounts ist für dieses Netzwerk nicht aktiviert. Melden Sie sich mit einem normalen Konto an oder bitten Sie die Anwendung, sie zu aktivieren.';
const CHAIN_UNAVAILABLE =
  "The network could not be reached to check your smart account's signature. Nothing was signed in; try again in a moment.";
const badSignature = (address: string) =>
  `The signature does not match the account ${address}: neither its key nor, for a smart account, its contract accepts it. Sign the message again with that account.`;

/**
 * A Safe as a wallet account: personal_sign answers with `signers`' Safe signature of the text
 * (ERC-1271 over hashMessage(text)), ERC-6492-wrapped with the Safe's deployment when `wrapWith`
 * is set. `texts` records every text it signed.
 */
class SafeAccount implements Signer {
  readonly texts: string[] = [];
  wrapWith: CounterfactualSafe | undefined;
  constructor(
    readonly address: string,
    readonly signers: Wallet[],
  ) {}

  async signMessage(message: string | Uint8Array): Promise<string> {
    const text = typeof message === 'string' ? message : toUtf8String(message);
    this.texts.push(text);
    const signature = safeSignMessage(this.address, CHAIN, text, this.signers);
    return this.wrapWith ? wrap6492(this.wrapWith.factory, this.wrapWith.factoryCalldata, signature) : signature;
  }
}

describe('browser: smart account (a Safe on anvil)', function () {
  this.timeout(120_000);
  let anvil: Anvil;
  let rpc: RpcCounter;
  let infra: SafeInfrastructure;
  /** A deployed 1-of-1 Safe of owners[0] and how it was deployed (for 6492 wrapping). */
  let single: CounterfactualSafe;
  /** A deployed 2-of-3 Safe of all three owners: its signatures are 130 bytes. */
  let twoOfThree: string;

  before(async function () {
    this.timeout(60_000);
    anvil = await startAnvil({ chainId: CHAIN });
    rpc = await startRpcCounter(anvil.url);
    const deployer: EthersSigner = anvil.accounts[0]!;
    infra = await deploySafeInfrastructure(deployer);
    single = counterfactualSafe([owners[0]!], 1, infra, 1n);
    assert.equal(await deploySafe([owners[0]!], 1, infra, 1n, deployer), single.address);
    twoOfThree = await deploySafe(owners, 2, infra, 2n, deployer);
  });

  after(async () => {
    await rpc?.close();
    await anvil?.stop();
  });

  describe('with an RPC for the chain', () => {
    const suite = browserSuite({ env: () => ({ CHAIN_IDS, RPC_URLS: `${CHAIN}=${rpc.url}`, RPC_TIMEOUT: '2000' }) });

    afterEach(() => rpc.setMode('forward'));

    it('a 1-of-1 Safe signs the shown message in its wallet and signs in: sub is the Safe, wallet_type eip1271', async () => {
      const { page } = suite.tab;
      const account = new SafeAccount(single.address, [owners[0]!]);
      const wallet = new TestWallet({ name: 'Safe Wallet', accounts: [account], chainId: CHAIN });
      await injectWallets(page, [wallet]);
      const request = await authorization(suite.firstParty, suite.rp.redirectUri, { scope: 'openid ethereum' });
      await page.goto(request.url.href);
      await chooseWallet(page, 'Safe Wallet');

      const shown = await messageShown(page);
      assert.match(shown, new RegExp(`^localhost:\\d+ wants you to sign in with your Ethereum account:\\n${single.address}\\n`));
      assert.match(shown, new RegExp(`\\nChain ID: ${CHAIN}\\n`));
      rpc.reset();
      await signButton(page).click();
      const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);

      const signing = wallet.requests.filter((r) => r.method === 'personal_sign');
      assert.equal(signing.length, 1);
      assert.equal(signedText(signing[0]!.params), shown, 'the page asked to sign exactly the text shown');
      assert.deepEqual(account.texts, [shown], 'the Safe owner signed exactly that text');
      assert.equal(claims.sub, single.address);
      assert.equal(claims.ethereum_address, single.address);
      assert.equal(claims.chain_id, CHAIN);
      assert.equal(claims.wallet_type, 'eip1271');
      assert.ok((rpc.counts().eth_call ?? 0) >= 1, `the server asked the chain (${JSON.stringify(rpc.counts())})`);
    });

    it('the chain cannot be reached: the page says so in plain words, and “Try again” signs in once it answers', async () => {
      const { page } = suite.tab;
      const account = new SafeAccount(single.address, [owners[0]!]);
      const wallet = new TestWallet({ name: 'Safe Wallet', accounts: [account], chainId: CHAIN });
      await injectWallets(page, [wallet]);
      const request = await authorization(suite.firstParty, suite.rp.redirectUri);
      await page.goto(request.url.href);
      await chooseWallet(page, 'Safe Wallet');
      await messageShown(page);
      await rpc.setMode('refuse');
      await signButton(page).click();
      await problemShown(page);
      assert.equal(await page.locator('#problem p').first().textContent(), CHAIN_UNAVAILABLE);
      await rpc.setMode('forward');
      await page.getByRole('button', { name: 'Try again' }).click();
      const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
      assert.equal(claims.sub, single.address);
    });

    it('sign elsewhere: a 2-of-3 Safe’s 130-byte signature pasted by hand passes the form and signs in', async () => {
      const { page } = suite.tab;
      const request = await authorization(suite.firstParty, suite.rp.redirectUri, { scope: 'openid ethereum' });
      await page.goto(request.url.href);
      await page.getByRole('button', { name: 'Sign elsewhere' }).click();
      await page.getByLabel('Your address').fill(twoOfThree.toLowerCase());
      await page.getByLabel('Network').selectOption(String(CHAIN));
      await page.getByRole('button', { name: 'Show the message' }).click();
      await page.getByText('The message is ready.').waitFor();
      const message = await page.getByLabel('Message', { exact: true }).inputValue();
      assert.match(message, new RegExp(`^localhost:\\d+ wants you to sign in with your Ethereum account:\\n${twoOfThree}\\n`));
      assert.match(message, new RegExp(`\\nChain ID: ${CHAIN}\\n`));

      const signature = safeSignMessage(twoOfThree, CHAIN, message, [owners[2]!, owners[0]!]);
      assert.equal(signature.length, 2 + 2 * 130, 'two owners’ signatures: not 65 bytes');
      const field = page.getByLabel('Signature');
      await field.fill(signature);
      assert.equal(
        await field.evaluate((node) => (node as unknown as { checkValidity(): boolean }).checkValidity()),
        true,
        'the input’s pattern accepts it',
      );
      await screenshot(page, 'login-sign-elsewhere-safe');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
      assert.equal(claims.sub, twoOfThree);
      assert.equal(claims.wallet_type, 'eip1271');
    });
  });

  describe('without an RPC for the chain (EOAs only)', () => {
    const suite = browserSuite({ env: { CHAIN_IDS } });

    it('a 65-byte Safe signature reads as a bad signature; a 6492-wrapped one as “smart accounts are not enabled”', async () => {
      const { page } = suite.tab;
      const account = new SafeAccount(single.address, [owners[0]!]);
      const wallet = new TestWallet({ name: 'Safe Wallet', accounts: [account], chainId: CHAIN });
      await injectWallets(page, [wallet]);
      const request = await authorization(suite.firstParty, suite.rp.redirectUri);
      await page.goto(request.url.href);
      await chooseWallet(page, 'Safe Wallet');
      const shown = await messageShown(page);

      // A 1-of-1 Safe's signature is 65 bytes, like a key's: the server cannot tell it is a contract's.
      await signButton(page).click();
      await problemShown(page);
      assert.equal(await page.locator('#problem p').first().textContent(), badSignature(single.address));

      account.wrapWith = single;
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByText(SMART_ACCOUNTS_OFF).waitFor();
      assert.equal(await page.locator('#problem p').first().textContent(), SMART_ACCOUNTS_OFF);
      assert.deepEqual(account.texts, [shown, shown]);
      assert.equal(
        await page.getByRole('button', { name: 'Try again' }).count(),
        0,
        'signing again with this account would fail the same way',
      );
      assert.equal(await signButton(page).isEnabled(), true, 'the person can still sign with another account');
      assert.ok(page.url().startsWith(suite.server.issuer), 'no redirect to the relying party');
      await screenshot(page, 'login-smart-account-off', { dark: true });
    });

    it('in German (ui_locales=de): a 2-of-3 Safe’s signature gets the same sentence in German', async () => {
      const { page } = suite.tab;
      const account = new SafeAccount(twoOfThree, [owners[0]!, owners[1]!]);
      const wallet = new TestWallet({ name: 'Safe Wallet', accounts: [account], chainId: CHAIN });
      await injectWallets(page, [wallet]);
      const request = await authorization(suite.firstParty, suite.rp.redirectUri, { ui_locales: 'de' });
      await page.goto(request.url.href);
      await chooseWallet(page, 'Safe Wallet');
      await messageShown(page);
      await page.getByRole('button', { name: 'Nachricht signieren' }).click();
      await problemShown(page);
      assert.equal(await page.locator('#problem p').first().textContent(), SMART_ACCOUNTS_OFF_DE);
      await screenshot(page, 'login-de-smart-account-off');
    });
  });
});
