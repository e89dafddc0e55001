/**
 * A Node.js relying party: docs/examples/openid-client/app.mjs, a plain
 * node:http app using openid-client, run as its own process. The test plays
 * the browser and the wallet: sign in, see the address, sign out through
 * RP-initiated logout back to the app. And, through a proxy that forges the
 * token endpoint's answer, that the app verifies the ID token's signature
 * (openid-client 6 does so for a token-endpoint ID token only with
 * enableNonRepudiationChecks).
 */
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import type { ClientMetadata } from 'oidc-provider';
import { freePort } from '../support/redis-server.js';
import { startServer, type TestServer } from '../support/server.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';
import { startWebApp, type WebApp } from '../support/web-app.js';

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

/** The token endpoint's JSON answer, to rewrite; undefined leaves it alone. */
type Forge = (tokens: Record<string, unknown>) => Record<string, unknown>;

interface ForgingProxy {
  origin: string;
  /** Set to rewrite the next token responses; undefined passes them through. */
  forge: Forge | undefined;
  close(): Promise<void>;
}

/**
 * A reverse proxy on `port` in front of the provider at `target`: everything passes through
 * unchanged (the Host header too, so the provider's URLs name the proxy), except a successful
 * token response while `forge` is set. It stands for whatever could alter a token response
 * between the provider and the app.
 */
async function startForgingProxy(port: number, target: { host: string; port: number }): Promise<ForgingProxy> {
  const proxy: ForgingProxy = { origin: `http://localhost:${port}`, forge: undefined, close: async () => undefined };
  const server: Server = createServer((incoming, outgoing) => {
    const body: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => body.push(chunk));
    incoming.on('end', () => {
      const headers: IncomingHttpHeaders = { ...incoming.headers };
      delete headers['accept-encoding'];
      const upstream = httpRequest({ ...target, method: incoming.method, path: incoming.url, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let payload = Buffer.concat(chunks);
          const path = new URL(incoming.url ?? '/', proxy.origin).pathname;
          if (proxy.forge && path === '/token' && answer.statusCode === 200) {
            payload = Buffer.from(JSON.stringify(proxy.forge(JSON.parse(payload.toString('utf8')) as Record<string, unknown>)));
          }
          const forwarded: IncomingHttpHeaders = { ...answer.headers, 'content-length': String(payload.length) };
          delete forwarded['transfer-encoding'];
          delete forwarded.connection;
          outgoing.writeHead(answer.statusCode ?? 502, forwarded).end(payload);
        });
      });
      upstream.on('error', () => outgoing.writeHead(502).end());
      upstream.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * The provider's ID token with `sub` (and `ethereum_address`) changed to `address`, re-signed
 * ES256 with a key that is not the provider's, under the provider's own `kid`: every claim
 * openid-client checks without the signature (iss, aud, exp, iat, nonce) still holds.
 */
function impersonate(address: string): Forge {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const attackerKey = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return (tokens) => {
    const [header, payload] = String(tokens.id_token).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = base64url(JSON.stringify({ ...claims, sub: address, ethereum_address: address }));
    const signature = sign('sha256', Buffer.from(`${header}.${forged}`), { key: attackerKey, dsaEncoding: 'ieee-p1363' });
    return { ...tokens, id_token: `${header}.${forged}.${base64url(signature)}` };
  };
}

describe('docs/examples/openid-client verifies the ID token signature (enableNonRepudiationChecks)', function () {
  this.timeout(30_000);
  let server: TestServer;
  let proxy: ForgingProxy;
  let app: WebApp;
  let rpOrigin: string;
  let client: ClientMetadata;

  before(async () => {
    const [proxyPort, appPort] = [await freePort(), await freePort()];
    rpOrigin = `http://127.0.0.1:${appPort}`;
    client = {
      client_id: 'node-app',
      client_secret: randomBytes(24).toString('base64url'),
      redirect_uris: [`${rpOrigin}/callback`],
      post_logout_redirect_uris: [`${rpOrigin}/`],
      first_party: true,
    };
    // The provider's issuer is the proxy's origin: the app and the browser reach it only through the proxy.
    server = await startServer({ env: { ISSUER: `http://localhost:${proxyPort}` }, clients: [client] });
    const { port } = server.server.address() as { port: number };
    proxy = await startForgingProxy(proxyPort, { host: '127.0.0.1', port });
    app = await startWebApp(
      process.execPath,
      [APP],
      { ISSUER: proxy.origin, CLIENT_ID: client.client_id, CLIENT_SECRET: String(client.client_secret) },
      appPort,
    );
  });

  afterEach(() => {
    proxy.forge = undefined;
  });

  after(async () => {
    await app?.stop();
    await proxy?.close();
    await server?.close();
  });

  it('without the option, openid-client would accept the forged ID token: the forgery is only detectable by its signature', async () => {
    const config = await discover(server, { clientId: client.client_id, clientAuth: oidc.ClientSecretBasic(String(client.client_secret)) });
    const { url, checks } = await codeRequest(config, { redirect_uri: `${rpOrigin}/callback`, scope: 'openid ethereum' });
    const victim = Wallet.createRandom().address;
    const callback = await signIn(new UserAgent(), url, { wallet: Wallet.createRandom(), rpOrigin });
    proxy.forge = impersonate(victim);
    const tokens = await oidc.authorizationCodeGrant(config, callback.asQueryUrl(), checks);
    assert.equal(tokens.claims()?.sub, victim);
  });

  it('the example app refuses it: the sign-in fails and nobody is signed in', async () => {
    const agent = new UserAgent();
    const wallet = Wallet.createRandom();
    const victim = Wallet.createRandom().address;
    const login = await agent.request(`${rpOrigin}/login`);
    assert.equal(login.status, 302, app.output());
    const callback = await signIn(agent, login.headers.get('location')!, { wallet, rpOrigin });
    proxy.forge = impersonate(victim);
    const finished = await agent.request(callback.url);
    assert.equal(finished.status, 500, `${await finished.text()}\n${app.output()}`);
    assert.match(app.output(), /JWT signature verification failed/);
    const home = await (await agent.request(`${rpOrigin}/`)).text();
    assert.ok(!home.includes(victim) && home.includes('Sign in with Ethereum'), home);
  });

  it('and signs the same wallet in when the answer is untouched', async () => {
    const agent = new UserAgent();
    const wallet = Wallet.createRandom();
    const login = await agent.request(`${rpOrigin}/login`);
    const callback = await signIn(agent, login.headers.get('location')!, { wallet, rpOrigin });
    const finished = await agent.request(callback.url);
    assert.equal(finished.status, 302, `${await finished.text()}\n${app.output()}`);
    const home = await (await agent.request(`${rpOrigin}/`)).text();
    assert.ok(home.includes(`Signed in as <code>${wallet.address}</code> on chain 1`), home);
  });
});
