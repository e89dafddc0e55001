// A web app that signs people in with Ethereum through siwe-idp, using openid-client
// (npm install openid-client@6) and nothing else: Node.js's own http server.
//
//   ISSUER=https://id.example.com CLIENT_ID=my-app CLIENT_SECRET=... \
//   BASE_URL=http://localhost:8080 PORT=8080 node app.mjs
//
// Register http://localhost:8080/callback as the client's redirect URI and
// http://localhost:8080/ as its post-logout redirect URI (docs/generic-web-app.md).
// The test suite runs this very file against the provider (test/docs/openid-client-example.test.ts).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import * as client from 'openid-client';

const { ISSUER, CLIENT_ID, CLIENT_SECRET, PORT = '8080' } = process.env;
const BASE_URL = process.env.BASE_URL ?? `http://localhost:${PORT}`;
const issuer = new URL(ISSUER);

const config = await client.discovery(
  issuer,
  CLIENT_ID,
  undefined,
  // siwe-idp clients authenticate with client_secret_basic unless registered otherwise.
  client.ClientSecretBasic(CLIENT_SECRET),
  {
    execute: [
      // Verify the ID token's signature with the provider's keys (its jwks_uri). Without this,
      // openid-client 6 checks iss, aud, exp and nonce of an ID token from the token endpoint but
      // not its signature: it relies on the TLS connection to the issuer instead.
      client.enableNonRepudiationChecks,
      // openid-client talks https only; allow http for a provider on your own machine.
      ...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []),
    ],
  },
);

/** Sessions in memory, keyed by a random cookie: enough for an example. */
const sessions = new Map();

function sessionOf(request, response) {
  const id = /(?:^|;\s*)sid=([\w-]+)/.exec(request.headers.cookie ?? '')?.[1];
  if (id && sessions.has(id)) return sessions.get(id);
  const fresh = randomBytes(16).toString('base64url');
  sessions.set(fresh, {});
  response.setHeader('set-cookie', `sid=${fresh}; Path=/; HttpOnly; SameSite=Lax`);
  return sessions.get(fresh);
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function handle(request, response) {
  const url = new URL(request.url, BASE_URL);
  const session = sessionOf(request, response);

  if (url.pathname === '/login') {
    session.codeVerifier = client.randomPKCECodeVerifier();
    session.state = client.randomState();
    session.nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: `${BASE_URL}/callback`,
      scope: 'openid ethereum',
      code_challenge: await client.calculatePKCECodeChallenge(session.codeVerifier),
      code_challenge_method: 'S256',
      state: session.state,
      nonce: session.nonce,
    });
    response.writeHead(302, { location: authorizationUrl.href }).end();
    return;
  }

  if (url.pathname === '/callback') {
    // Checks state, PKCE and the ID token (signature, with enableNonRepudiationChecks above; iss, aud,
    // exp, nonce) before it returns.
    const tokens = await client.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: session.codeVerifier,
      expectedState: session.state,
      expectedNonce: session.nonce,
    });
    session.user = tokens.claims();
    session.idToken = tokens.id_token;
    response.writeHead(302, { location: '/' }).end();
    return;
  }

  if (url.pathname === '/logout' && session.idToken) {
    const endSession = client.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${BASE_URL}/` });
    delete session.user;
    delete session.idToken;
    response.writeHead(302, { location: endSession.href }).end();
    return;
  }

  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(
    session.user
      ? `<p>Signed in as <code>${escapeHtml(session.user.sub)}</code> on chain ${escapeHtml(session.user.chain_id)}</p><a href="/logout">Sign out</a>`
      : '<a href="/login">Sign in with Ethereum</a>',
  );
}

createServer((request, response) => {
  handle(request, response).catch((error) => {
    console.error(error);
    response.writeHead(500, { 'content-type': 'text/plain' }).end('sign-in failed; see the server log');
  });
}).listen(Number(PORT), () => console.log(`listening on ${BASE_URL}`));
