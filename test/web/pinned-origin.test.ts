/**
 * Every URL the server publishes or accepts derives from ISSUER alone: a forged
 * Host, X-Forwarded-Host or X-Forwarded-Proto, or an absolute-form request
 * target, changes neither discovery nor the audience accepted in client
 * assertions (private_key_jwt, client_secret_jwt), even with TRUST_PROXY on.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { ClientMetadata } from 'oidc-provider';
import { startServer, type TestServer } from '../support/server.js';

const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
const SECRET = 'client-secret-jwt-secret-which-is-long-enough-for-hs256';

function raw(port: number, method: string, target: string, headers: Record<string, string>, body = '') {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: target, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const base = { redirect_uris: ['https://rp.example.test/callback'], response_types: ['code'], grant_types: ['authorization_code'] };

describe("the origin is the issuer's, whatever the request says", () => {
  let server: TestServer;
  let port: number;
  let clientKey: CryptoKey;

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    clientKey = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'k1' };
    const clients = [
      {
        ...base,
        client_id: 'rp-key',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [jwk] },
      },
      {
        ...base,
        client_id: 'rp-hmac',
        client_secret: SECRET,
        token_endpoint_auth_method: 'client_secret_jwt',
        token_endpoint_auth_signing_alg: 'HS256',
      },
    ] as ClientMetadata[];
    server = await startServer({ clients, env: { TRUST_PROXY: '1', REGISTRATION: 'open' } });
    port = (server.server.address() as { port: number }).port;
  });
  after(() => server.close());

  it('publishes discovery from the issuer under a forged Host, X-Forwarded-Host and -Proto, or an absolute-form target', async () => {
    for (const [target, headers] of [
      ['/.well-known/openid-configuration', FORGED],
      ['http://evil.example/.well-known/openid-configuration', FORGED],
      ['https://evil.example:8443/.well-known/oauth-authorization-server', { host: 'evil.example:8443' }],
    ] as const) {
      const { status, json } = await raw(port, 'GET', target, headers);
      assert.equal(status, 200);
      assert.equal(json.issuer, server.issuer);
      const urls = Object.entries(json).filter(
        ([key, value]) => key.endsWith('_endpoint') || key === 'jwks_uri' || (typeof value === 'string' && /^https?:/.test(value)),
      );
      assert.ok(urls.length >= 8, JSON.stringify(urls));
      for (const [key, value] of urls)
        assert.ok(String(value).startsWith(`${server.issuer}/`) || value === server.issuer, `${target} ${key}: ${String(value)}`);
    }
  });

  it('gives a registered client its registration_client_uri on the issuer', async () => {
    const { status, json } = await raw(
      port,
      'POST',
      '/reg',
      { ...FORGED, 'content-type': 'application/json' },
      JSON.stringify({ redirect_uris: base.redirect_uris }),
    );
    assert.equal(status, 201);
    assert.ok(String(json.registration_client_uri).startsWith(`${server.issuer}/reg/`), String(json.registration_client_uri));
  });

  const sign = (clientId: string, aud: string) => {
    const jwt = new SignJWT({})
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(aud)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m');
    return clientId === 'rp-key'
      ? jwt.setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(clientKey)
      : jwt.setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  };

  /** A token request with a made-up code: invalid_grant means the client authenticated. */
  const tokenRequest = async (clientId: string, aud: string) => {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'not-a-code',
      redirect_uri: base.redirect_uris[0]!,
      client_id: clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await sign(clientId, aud),
    });
    return raw(port, 'POST', '/token', { ...FORGED, 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
  };

  for (const clientId of ['rp-key', 'rp-hmac']) {
    it(`refuses a ${clientId === 'rp-key' ? 'private_key_jwt' : 'client_secret_jwt'} assertion for the forged host, accepts the issuer's`, async () => {
      for (const aud of ['http://evil.example/token', 'https://evil.example/token', 'https://evil.example', 'http://evil.example']) {
        const { status, json } = await tokenRequest(clientId, aud);
        assert.equal(status, 401, `${aud}: ${JSON.stringify(json)}`);
        assert.equal(json.error, 'invalid_client', aud);
      }
      for (const aud of [`${server.issuer}/token`, server.issuer]) {
        const { json } = await tokenRequest(clientId, aud);
        assert.equal(json.error, 'invalid_grant', `${aud}: the client authenticated (${JSON.stringify(json)})`);
      }
    });
  }
});
