/**
 * The device authorization grant (RFC 8628) end to end, with real parts: the
 * docs' command-line example (docs/examples/openid-client/device-login.ts:
 * openid-client's initiateDeviceAuthorization and pollDeviceAuthorizationGrant)
 * polls the provider, while headless Chromium opens the user-code page, types
 * the code, confirms, and signs in with an injected wallet. Then a refusal at
 * the confirmation and at the sign-in page, each reaching the polling device
 * as access_denied. Every page also passes the browser suite's checks: no
 * request to another origin, no console error, no CSP violation.
 */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { deviceLogin, type DevicePrompt } from '../../docs/examples/openid-client/device-login.js';
import { screenshot } from '../support/browser/browser.js';
import { browserSuite } from '../support/browser/fixture.js';
import { chooseWallet, messageShown, signButton, signedText } from '../support/browser/login-page.js';
import { injectWallets, TestWallet } from '../support/browser/wallet.js';
import { DEVICE_CLI, DEVICE_TV } from '../support/device.js';

describe('browser: device sign-in (RFC 8628) with the docs example polling', function () {
  this.timeout(90_000);
  const suite = browserSuite({ clients: () => [DEVICE_CLI, DEVICE_TV] });

  /** Starts the example's device login; resolves with its prompt once shown, and the login's outcome. */
  function startDeviceLogin(clientId = DEVICE_CLI.client_id, clientSecret?: string) {
    let shown!: (prompt: DevicePrompt) => void;
    const prompt = new Promise<DevicePrompt>((resolve) => {
      shown = resolve;
    });
    const stop = new AbortController();
    const outcome = deviceLogin({
      issuer: new URL(suite.server.issuer),
      clientId,
      clientSecret,
      scope: 'openid ethereum',
      prompt: shown,
      signal: stop.signal,
    });
    // Observed by the test; a failure before the prompt surfaces through it too.
    outcome.catch(() => undefined);
    return { prompt: Promise.race([prompt, outcome.then(() => Promise.reject(new Error('no prompt')))]), outcome, stop };
  }

  it('code typed on the page, confirmed, signed with the wallet: the polling CLI gets tokens whose sub is the address', async () => {
    const { page } = suite.tab;
    const wallet = new TestWallet({ name: 'Test Wallet' });
    await injectWallets(page, [wallet]);
    const login = startDeviceLogin();
    const prompt = await login.prompt;

    await page.goto(prompt.verificationUri);
    await page.getByRole('heading', { name: 'Sign in a device' }).waitFor();
    await screenshot(page, 'device-code', { dark: true });
    await page.getByLabel('Code').fill(prompt.userCode.toLowerCase());
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Sign in a device to Device CLI?' }).waitFor();
    assert.equal(await page.locator('#user-code').textContent(), prompt.userCode);
    await screenshot(page, 'device-confirm', { dark: true });
    await page.getByRole('button', { name: 'Continue' }).click();

    await chooseWallet(page, 'Test Wallet');
    const shown = await messageShown(page);
    assert.ok(
      shown.endsWith(`\nResources:\n- ${prompt.verificationUriComplete}`),
      'resources[0] is the device request, shown before signing',
    );
    assert.ok(((await page.locator('#device-request').textContent()) ?? '').includes(prompt.userCode), 'the page names the code');
    await screenshot(page, 'device-login');
    await signButton(page).click();

    await page.getByRole('heading', { name: 'Your device is signed in' }).waitFor();
    await screenshot(page, 'device-done', { dark: true });
    assert.equal(signedText(wallet.requests.find((r) => r.method === 'personal_sign')!.params), shown);

    const result = await login.outcome;
    assert.equal(result.sub, wallet.address);
    assert.equal(result.claims.aud, DEVICE_CLI.client_id);
    assert.equal(result.claims.ethereum_address, wallet.address);
    const userinfo = await oidc.fetchUserInfo(
      await oidc.discovery(new URL(suite.server.issuer), DEVICE_CLI.client_id, undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      }),
      result.tokens.access_token,
      result.sub,
    );
    assert.equal(userinfo.sub, wallet.address);
  });

  it('the link with the code, then Cancel on the confirmation: the CLI gets access_denied', async () => {
    const { page } = suite.tab;
    const login = startDeviceLogin(DEVICE_TV.client_id, String(DEVICE_TV.client_secret));
    const prompt = await login.prompt;
    assert.ok(prompt.verificationUriComplete);
    await page.goto(prompt.verificationUriComplete);
    assert.equal(await page.getByLabel('Code').inputValue(), prompt.userCode, 'the link fills the code in');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Sign in a device to Living Room TV?' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Website' }).getAttribute('href'), 'https://tv.example/');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('The sign-in was cancelled.').waitFor();
    await screenshot(page, 'device-cancelled');

    await assert.rejects(login.outcome, (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === 'access_denied');
  });

  it('Cancel on the wallet sign-in page: the CLI gets access_denied', async () => {
    const { page } = suite.tab;
    await injectWallets(page, [new TestWallet({ name: 'Test Wallet' })]);
    const login = startDeviceLogin();
    const prompt = await login.prompt;
    await page.goto(prompt.verificationUri);
    await page.getByLabel('Code').fill(prompt.userCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Test Wallet' }).waitFor();
    await page.getByRole('button', { name: 'Cancel: refuse this device' }).click();
    await page.getByText('The sign-in was cancelled.').waitFor();

    await assert.rejects(login.outcome, (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === 'access_denied');
  });

  it('a wrong code: the page says so and keeps what was typed', async () => {
    const { page } = suite.tab;
    await page.goto(`${suite.server.issuer}/device`);
    await page.getByLabel('Code').fill('BBBB-BBBB');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('No sign-in request has this code.').waitFor();
    assert.equal(await page.getByLabel('Code').inputValue(), 'BBBB-BBBB');
    await screenshot(page, 'device-wrong-code');
  });
});
