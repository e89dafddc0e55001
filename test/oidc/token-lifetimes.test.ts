/**
 * Lifetimes on a real server with short settings: tokens expire when their
 * TTL says; refresh tokens and sessions are idle lifetimes that each use
 * extends, up to SESSION_MAX_AGE after the sign-in however active they are.
 *
 * Stored artifacts carry `exp` in whole seconds, so each step is timed from
 * the stored `exp` and `loginTs`/`authTime`, a fraction of a second into a
 * second, rather than by fixed sleeps.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Wallet } from 'ethers';
import * as oidc from 'openid-client';
import type { AdapterPayload } from 'oidc-provider';
import { artifactKey } from '../../src/storage/adapter.js';
import { BASIC, RP_CALLBACK, RP_ORIGIN } from '../support/federation-clients.js';
import { codeRequest, discover } from '../support/relying-party.js';
import { BACKENDS, startServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';
import { UserAgent } from '../support/user-agent.js';

const ACCESS_TOKEN_TTL = 3;
const ID_TOKEN_TTL = 2;
const REFRESH_TOKEN_TTL = 2;
const SESSION_TTL = 2;
const SESSION_MAX_AGE = 5;

/** Both formats: whole seconds and with a unit. */
const ENV = {
  ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
  ID_TOKEN_TTL: `${ID_TOKEN_TTL}s`,
  REFRESH_TOKEN_TTL: `${REFRESH_TOKEN_TTL}s`,
  SESSION_TTL: String(SESSION_TTL),
  SESSION_MAX_AGE: `${SESSION_MAX_AGE}s`,
};

type Stored = AdapterPayload & { iat: number; exp: number; loginTs?: number; authTime?: number };

/** Resolves at `seconds` (epoch time, fractions allowed); at once if that has passed. */
async function at(seconds: number): Promise<void> {
  const wait = seconds * 1000 - Date.now();
  if (wait > 0) await sleep(wait);
}

const now = () => Date.now() / 1000;

// The timing tests sleep: they run on one store, Redis when there is one (what production uses).
const backend = BACKENDS.includes('redis') ? 'redis' : 'memory';

describe(`lifetimes (${backend} store)`, () => {
  let server: TestServer;
  let config: oidc.Configuration;

  before(async () => {
    server = await startServer({ backend, clients: [BASIC], env: ENV });
    config = await discover(server, { clientId: BASIC.client_id, clientAuth: oidc.ClientSecretBasic(String(BASIC.client_secret)) });
  });
  after(() => server.close());

  async function stored(model: string, id: string): Promise<Stored> {
    const payload = await server.store.get<Stored>(artifactKey(model, id));
    assert.ok(payload, `the ${model} is stored`);
    return payload;
  }

  async function authorize(agent: UserAgent, wallet: Wallet, parameters: Record<string, string> = {}) {
    const { url, checks } = await codeRequest(config, { redirect_uri: RP_CALLBACK, ...parameters });
    return { callback: await signIn(agent, url, { wallet, rpOrigin: RP_ORIGIN }), checks };
  }

  /** A sign-in with a session in `agent`, and tokens with a refresh token. */
  async function signedIn() {
    const agent = new UserAgent();
    const wallet = Wallet.createRandom() as unknown as Wallet;
    const { callback, checks } = await authorize(agent, wallet, { scope: 'openid offline_access', prompt: 'consent' });
    const tokens = await oidc.authorizationCodeGrant(config, callback.request(), checks);
    assert.ok(tokens.refresh_token, 'offline_access yields a refresh token');
    return { agent, wallet, tokens, sessionId: agent.cookie('localhost', '_session')! };
  }

  /** prompt=none through the agent's session: true when it signs in silently, false on login_required. */
  async function silent(agent: UserAgent, wallet: Wallet): Promise<boolean> {
    const { callback } = await authorize(agent, wallet, { prompt: 'none' });
    if (callback.params.get('code')) return true;
    assert.equal(callback.params.get('error'), 'login_required', String(callback.params.get('error_description')));
    return false;
  }

  const refresh = (token: string) => oidc.refreshTokenGrant(config, token);
  const refused = (token: string) =>
    assert.rejects(refresh(token), (error: oidc.ResponseBodyError) => {
      assert.equal(error.error, 'invalid_grant');
      return true;
    });

  it('access and ID tokens expire ACCESS_TOKEN_TTL and ID_TOKEN_TTL after they are issued', async () => {
    const { tokens } = await signedIn();
    const claims = tokens.claims()!;
    assert.equal(claims.exp - claims.iat, ID_TOKEN_TTL, 'ID token');
    assert.equal(tokens.expires_in, ACCESS_TOKEN_TTL);
    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.exp! - introspection.iat!, ACCESS_TOKEN_TTL, 'access token');
    const refreshToken = await stored('RefreshToken', tokens.refresh_token!);
    assert.equal(refreshToken.exp - refreshToken.iat, REFRESH_TOKEN_TTL, 'refresh token');

    const refreshed = await refresh(tokens.refresh_token!);
    assert.equal(refreshed.claims()!.exp - refreshed.claims()!.iat, ID_TOKEN_TTL, 'ID token from a refresh');
    assert.equal(refreshed.expires_in, ACCESS_TOKEN_TTL);
  });

  it('a refresh token used within REFRESH_TOKEN_TTL rotates and keeps working until SESSION_MAX_AGE after the sign-in; one left idle is refused', async function () {
    this.timeout(15_000);

    const idle = async () => {
      const { tokens } = await signedIn();
      const token = await stored('RefreshToken', tokens.refresh_token!);
      assert.ok(token.exp < token.authTime! + SESSION_MAX_AGE, 'its only limit is the idle one');
      await at(token.exp + 0.2);
      await refused(tokens.refresh_token!);
    };

    const active = async () => {
      const { tokens } = await signedIn();
      const first = await stored('RefreshToken', tokens.refresh_token!);
      const signedInAt = first.authTime!;
      let current = tokens.refresh_token!;
      let lastUse = 0;
      // Every second, a fraction into it: each use rotates the token into a fresh window, up to the cap.
      for (let second = 1; second < SESSION_MAX_AGE; second += 1) {
        await at(signedInAt + second + 0.2);
        const refreshed = await refresh(current);
        lastUse = now();
        assert.ok(refreshed.refresh_token && refreshed.refresh_token !== current, 'rotated');
        current = refreshed.refresh_token;
        const token = await stored('RefreshToken', current);
        assert.equal(token.authTime, signedInAt, 'the rotated token keeps the sign-in time');
        assert.equal(token.exp, Math.min(token.iat + REFRESH_TOKEN_TTL, signedInAt + SESSION_MAX_AGE), `after ${second} s`);
      }
      assert.ok(lastUse > first.exp, 'still refreshing after the first token’s own window ended');
      const last = await stored('RefreshToken', current);
      assert.equal(last.exp, signedInAt + SESSION_MAX_AGE, 'the last window is cut at the cap');
      assert.ok(last.exp - last.iat < REFRESH_TOKEN_TTL);

      await at(last.exp + 0.2);
      assert.ok(now() - lastUse < REFRESH_TOKEN_TTL, 'used within the idle window…');
      await refused(current); // …and refused all the same
    };

    await Promise.all([idle(), active()]);
  });

  it('a session idle for SESSION_TTL needs a new sign-in; one kept active ends SESSION_MAX_AGE after the sign-in all the same', async function () {
    this.timeout(15_000);

    const idle = async () => {
      const { agent, wallet, sessionId } = await signedIn();
      const session = await stored('Session', sessionId);
      assert.ok(session.exp < session.loginTs! + SESSION_MAX_AGE, 'its only limit is the idle one');
      // The store drops a record within a second after its exp (which is in whole seconds).
      await at(session.exp + 1.1);
      assert.equal(await silent(agent, wallet), false, 'prompt=none: login_required');
    };

    const active = async () => {
      const { agent, wallet, sessionId } = await signedIn();
      const first = await stored('Session', sessionId);
      const signedInAt = first.loginTs!;
      let lastUse = 0;
      for (let second = 1; second < SESSION_MAX_AGE; second += 1) {
        await at(signedInAt + second + 0.2);
        assert.equal(await silent(agent, wallet), true, `prompt=none after ${second} s`);
        lastUse = now();
        const session = await stored('Session', sessionId);
        assert.equal(session.exp, Math.min(Math.floor(lastUse) + SESSION_TTL, signedInAt + SESSION_MAX_AGE), `after ${second} s`);
      }
      assert.ok(lastUse > first.exp + 1, 'still signed in after the first idle window ended');
      assert.equal((await stored('Session', sessionId)).exp, signedInAt + SESSION_MAX_AGE, 'the last window is cut at the cap');

      await at(signedInAt + SESSION_MAX_AGE + 0.6);
      assert.ok(now() - lastUse < SESSION_TTL, 'active within the idle window…');
      assert.equal(await silent(agent, wallet), false, '…and signed out all the same');
      // A new sign-in starts a new session.
      const { callback } = await authorize(agent, wallet);
      assert.deepEqual(callback.prompts, ['login']);
    };

    await Promise.all([idle(), active()]);
  });
});
