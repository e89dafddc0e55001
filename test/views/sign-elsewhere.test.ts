/**
 * No wallet in the browser: the page says so plainly and offers the two ways
 * forward; "Sign elsewhere" completes the login with a signature made outside
 * the browser (here an ethers Wallet in Node, as a command-line signer would).
 */
import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { problemShown } from '../support/browser/login-page.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';

describe('browser: no wallet, sign elsewhere', function () {
  this.timeout(60_000);
  const suite = browserSuite();

  it('says no wallet was found, links to wallets, and completes the login with a signature made outside the browser', async () => {
    const { page, context } = suite.tab;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.server.issuer });
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await page.goto(request.url.href);

    await page.getByText('No Ethereum wallet was found in this browser.').waitFor();
    assert.equal(
      await page.getByRole('link', { name: 'Find a wallet' }).getAttribute('href'),
      'https://ethereum.org/en/wallets/find-wallet/',
    );
    await screenshot(page, 'login-no-wallet', { dark: true });

    await page.getByRole('button', { name: 'Sign elsewhere' }).click();
    const address = page.getByLabel('Your address');
    assert.equal(await address.evaluate((node) => node === node.ownerDocument.activeElement), true, 'focus moves to the address field');

    const signer = Wallet.createRandom();
    await address.fill(signer.address.toLowerCase());
    await page.getByRole('button', { name: 'Show the message' }).click();
    await page.getByText('The message is ready.').waitFor();
    const message = await page.getByLabel('Message', { exact: true }).inputValue();
    assert.match(message, new RegExp(`^localhost:\\d+ wants you to sign in with your Ethereum account:\\n${signer.address}\\n`));
    assert.equal(await address.inputValue(), signer.address, 'the address is shown in its EIP-55 form');

    await page.getByRole('button', { name: 'Copy the message' }).click();
    await page.getByText('The message is copied.').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), message);

    await page.getByLabel('Signature').fill(await signer.signMessage(message));
    await screenshot(page, 'login-sign-elsewhere', { dark: true });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const claims = await exchange(suite.firstParty, await callbackOf(page, suite.rp.redirectUri), request);
    assert.equal(claims.sub, signer.address);
  });

  it('refuses a signature by another key with the server’s words, and an invalid address before asking the server', async () => {
    const { page } = suite.tab;
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await page.goto(request.url.href);
    await page.getByRole('button', { name: 'Sign elsewhere' }).click();

    await page.getByLabel('Your address').fill('0x1234');
    await page.getByRole('button', { name: 'Show the message' }).click();
    assert.match(await problemShown(page, 'ext-problem'), /Enter your address: 0x followed by 40 hexadecimal characters/);
    assert.equal(await page.getByLabel('Your address').getAttribute('aria-invalid'), 'true');

    const signer = Wallet.createRandom();
    await page.getByLabel('Your address').fill(signer.address);
    await page.getByRole('button', { name: 'Show the message' }).click();
    await page.getByText('The message is ready.').waitFor();
    const message = await page.getByLabel('Message', { exact: true }).inputValue();
    await page.getByLabel('Signature').fill(await Wallet.createRandom().signMessage(message));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    assert.match(await problemShown(page, 'ext-problem'), new RegExp(`The signature does not match the account ${signer.address}`));
    await screenshot(page, 'login-sign-elsewhere-refused');
  });
});
