/**
 * The other pages a person meets, in headless Chromium: consent for a client
 * that is not first-party (with its logo served from our origin), RP-initiated
 * logout (confirm, done), and the error page.
 */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { ClientMetadata } from 'oidc-provider';
import { THIRD_PARTY } from '../support/test-clients.js';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, messageShown, signButton } from '../support/browser/login-page.js';
import { authorization, callbackOf, exchange } from '../support/browser/rp.js';
import { startSite, type LocalSite } from '../support/site.js';
import { injectWallets, TestWallet } from '../support/browser/wallet.js';
import { solidPng } from '../support/png.js';

describe('browser: consent, logout and error pages', function () {
  this.timeout(60_000);
  const LOGO = solidPng(64, 64, [48, 70, 197]);
  const logoRequests: string[] = [];
  let logoSite: LocalSite;
  let branded: ClientMetadata;
  before(async () => {
    logoSite = await startSite((request, response) => {
      logoRequests.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': LOGO.length });
      response.end(LOGO);
    });
  });
  after(() => logoSite?.close());
  const suite = browserSuite({
    clients: (rp) => {
      branded = rp.register({
        ...THIRD_PARTY,
        client_id: 'branded',
        client_name: 'Branded App',
        logo_uri: `${logoSite.origin}/logo.png`,
      });
      return [branded];
    },
  });

  /** Signs in through the login page and stops on the consent page. */
  async function toConsent(client: ClientMetadata, wallet: TestWallet) {
    const { page } = suite.tab;
    const rp = await suite.discover(client);
    await injectWallets(page, [wallet]);
    const request = await authorization(rp, suite.rp.redirectUri, { scope: 'openid offline_access', prompt: 'consent' });
    await page.goto(request.url.href);
    await chooseWallet(page, wallet.info.name);
    await messageShown(page);
    await signButton(page).click();
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    return { page, rp, request };
  }

  it('consent shows the client (logo from our origin, links), the scopes and claims in plain words; Deny → access_denied', async () => {
    const wallet = new TestWallet({ name: 'Test Wallet' });
    const { page, request } = await toConsent(branded, wallet);
    await page.getByRole('heading', { name: 'Allow Branded App to know who you are?' }).waitFor();
    const logo = page.locator('img.logo');
    assert.match((await logo.getAttribute('src')) ?? '', /^\/interaction\/[^/]+\/logo$/);
    assert.equal(await logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), 64, 'the logo loaded');
    assert.deepEqual(logoRequests, ['/logo.png'], 'fetched once, by the server');
    const text = (await page.locator('main').textContent()) ?? '';
    for (const words of [
      'Know your Ethereum address, as your account identifier',
      'Keep you signed in while you are away',
      `your Ethereum address: ${wallet.address}`,
      'when you signed in',
    ]) {
      assert.ok(text.includes(words), `consent page says "${words}"`);
    }
    assert.equal(await page.getByRole('link', { name: 'Privacy policy' }).getAttribute('href'), 'https://third.example/privacy');
    assert.equal(await page.getByRole('link', { name: 'Terms of service' }).getAttribute('href'), 'https://third.example/terms');
    await screenshot(page, 'consent', { dark: true });

    await page.getByRole('button', { name: 'Deny' }).click();
    const callback = await callbackOf(page, suite.rp.redirectUri);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), request.state);
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('consent Allow → a code for the wallet’s address; a client whose logo cannot be fetched gets a monogram', async () => {
    const wallet = new TestWallet({ name: 'Test Wallet' });
    const { page, rp, request } = await toConsent(suite.rp.register(THIRD_PARTY), wallet);
    assert.equal(await page.locator('img.logo').count(), 0);
    assert.equal(await page.locator('.monogram').textContent(), 'TP');
    await page.getByRole('button', { name: 'Allow' }).click();
    const claims = await exchange(rp, await callbackOf(page, suite.rp.redirectUri), request);
    assert.equal(claims.sub, wallet.address);
  });

  it('RP-initiated logout: a confirmation page, then the signed-out page', async () => {
    const { page } = suite.tab;
    const wallet = new TestWallet({ name: 'Test Wallet' });
    await injectWallets(page, [wallet]);
    const request = await authorization(suite.firstParty, suite.rp.redirectUri);
    await page.goto(request.url.href);
    await chooseWallet(page, 'Test Wallet');
    await messageShown(page);
    await signButton(page).click();
    await callbackOf(page, suite.rp.redirectUri);

    await page.goto(oidc.buildEndSessionUrl(suite.firstParty).href);
    await page.getByRole('heading', { name: 'Sign out of First Party App?' }).waitFor();
    await screenshot(page, 'logout-confirm', { dark: true });
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /You have signed out/);
    await screenshot(page, 'logout-done', { dark: true });
  });

  it('the error page: the error, a readable description, a reference id to quote, no stack trace', async () => {
    const { page } = suite.tab;
    const response = await page.goto(`${suite.server.issuer}/auth?client_id=nobody&response_type=code&scope=openid`);
    assert.equal(response?.status(), 400);
    await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /invalid_client/);
    assert.match(text, /Reference: [\w-]{8}\. Quote it/);
    assert.doesNotMatch(text, /\bat .*\.(ts|js):\d+/);
    await screenshot(page, 'error', { dark: true });

    await page.goto(`${suite.server.issuer}/interaction/expired-or-unknown`);
    await page.getByText('invalid_interaction').waitFor();
    await screenshot(page, 'error-interaction');
  });
});
