/**
 * A Python relying party: docs/examples/authlib/app.py, a Flask app using
 * Authlib (Debian's python3-authlib and python3-flask, run with
 * /usr/bin/python3), signs a wallet in through the provider. The test plays
 * the browser (one user agent with cookies for both origins) and the wallet;
 * the login goes through the real interaction API with a real signature, and
 * the Flask app checks the ID token itself.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { startServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';
import { startWebApp, type WebApp } from '../support/web-app.js';
import { freePort } from '../support/redis-server.js';

const APP = new URL('../../docs/examples/authlib/app.py', import.meta.url).pathname;

describe('Authlib (Python, Flask) as the relying party: docs/examples/authlib', function () {
  this.timeout(30_000);
  let server: TestServer;
  let app: WebApp;
  let rpOrigin: string;
  const secret = randomBytes(24).toString('base64url');

  before(async () => {
    // The app's port must be known to register its redirect URI, so reserve it first.
    const port = await freePort();
    rpOrigin = `http://127.0.0.1:${port}`;
    server = await startServer({
      clients: [
        {
          client_id: 'flask-app',
          client_secret: secret,
          client_name: 'Flask App',
          redirect_uris: [`${rpOrigin}/callback`],
          first_party: true,
        },
      ],
    });
    const env = { ISSUER: server.issuer, CLIENT_ID: 'flask-app', CLIENT_SECRET: secret, FLASK_SECRET_KEY: randomBytes(32).toString('hex') };
    app = await startWebApp('/usr/bin/python3', [APP], env, port);
  });

  after(async () => {
    await app?.stop();
    await server?.close();
  });

  it('signs a wallet in and shows its address', async () => {
    const agent = new UserAgent();
    const wallet = Wallet.createRandom();

    const login = await agent.request(`${rpOrigin}/login`);
    assert.equal(login.status, 302, app.output());
    const authorization = new URL(login.headers.get('location')!);
    assert.equal(authorization.origin, server.issuer);
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');

    const callback = await signIn(agent, authorization, { wallet, rpOrigin });
    assert.equal(callback.url.pathname, '/callback');
    const finished = await agent.request(callback.url);
    assert.equal(finished.status, 302, `the Flask app refused the callback:\n${await finished.text()}\n${app.output()}`);

    const home = await (await agent.request(`${rpOrigin}/`)).text();
    assert.ok(home.includes(`Signed in as <code>${wallet.address}</code>`), home);
    assert.ok(home.includes(`on chain 1 (<code>eip155:1:${wallet.address}</code>)`), home);
  });
});
