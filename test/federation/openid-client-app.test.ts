/**
 * A Node.js relying party: docs/examples/openid-client/app.mjs, a plain
 * node:http app using openid-client, run as its own process. The test plays
 * the browser and the wallet: sign in, see the address, sign out through
 * RP-initiated logout back to the app.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { freePort } from '../support/redis-server.js';
import { startServer, type TestServer } from '../support/server.js';
import { signIn } from './support/sign-in.js';
import { UserAgent } from './support/user-agent.js';
import { startWebApp, type WebApp } from './support/web-app.js';

const APP = new URL('../../docs/examples/openid-client/app.mjs', import.meta.url).pathname;

describe('openid-client in a Node.js web app: docs/examples/openid-client', function () {
  this.timeout(30_000);
  let server: TestServer;
  let app: WebApp;
  let rpOrigin: string;

  before(async () => {
    const port = await freePort();
    rpOrigin = `http://127.0.0.1:${port}`;
    const secret = randomBytes(24).toString('base64url');
    server = await startServer({
      clients: [
        {
          client_id: 'node-app',
          client_secret: secret,
          client_name: 'Node App',
          redirect_uris: [`${rpOrigin}/callback`],
          post_logout_redirect_uris: [`${rpOrigin}/`],
          first_party: true,
        },
      ],
    });
    app = await startWebApp(process.execPath, [APP], { ISSUER: server.issuer, CLIENT_ID: 'node-app', CLIENT_SECRET: secret }, port);
  });

  after(async () => {
    await app?.stop();
    await server?.close();
  });

  it('signs a wallet in, shows its address, and signs out at the provider', async () => {
    const agent = new UserAgent();
    const wallet = Wallet.createRandom();
    const login = await agent.request(`${rpOrigin}/login`);
    assert.equal(login.status, 302, app.output());
    const callback = await signIn(agent, login.headers.get('location')!, { wallet, rpOrigin });
    const finished = await agent.request(callback.url);
    assert.equal(finished.status, 302, `${await finished.text()}\n${app.output()}`);
    const home = await (await agent.request(`${rpOrigin}/`)).text();
    assert.ok(home.includes(`Signed in as <code>${wallet.address}</code> on chain 1`), home);

    const logout = await agent.request(`${rpOrigin}/logout`);
    const endSession = new URL(logout.headers.get('location')!);
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${server.issuer}/session/end`);
    const page = await agent.request(endSession);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(xsrf);
    const done = await agent.request(new URL('/session/end/confirm', server.issuer), { form: { xsrf, logout: 'yes' } });
    assert.equal(done.headers.get('location'), `${rpOrigin}/`);
    assert.ok((await (await agent.request(`${rpOrigin}/`)).text()).includes('Sign in with Ethereum'));
  });
});
