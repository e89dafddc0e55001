/**
 * Contract-wallet sign-ins against the real server, as a wallet client drives them: start an
 * authorization request, build the interaction's SIWE message for an address, post whatever
 * signature the account produces (a Safe's owner signatures, an ERC-6492 wrapper, …), and on
 * success follow to the relying party, exchange the code and read the ID token and userinfo.
 * Also a stderr recorder, to prove what the server logs.
 */
import assert from 'node:assert/strict';
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import supertest from 'supertest';
import type { Response } from 'supertest';
import {
  type Agent,
  type AuthRequest,
  authorizeUrl,
  exchangeCode,
  follow,
  getInteraction,
  messageFor,
  newAuthRequest,
  postLogin,
  startInteraction,
} from '../flow.js';
import { flushLogs } from '../../../src/log.js';
import type { TestServer } from '../server.js';
import { FIRST_PARTY, RP_REDIRECT } from '../test-clients.js';

/** One started sign-in: the message to sign for `address`, and how to send a signature of it. */
export interface PendingLogin {
  agent: Agent;
  request: AuthRequest;
  uid: string;
  message: string;
  /** POST /interaction/:uid/login with this message and `signature` (may be called again: refusals burn nothing). */
  send(signature: string): Promise<Response>;
}

/** A fresh browser (no session) starts FIRST_PARTY's authorization request and builds the message for `address`. */
export async function beginLogin(server: TestServer, address: string, scope = 'openid ethereum'): Promise<PendingLogin> {
  const agent = supertest.agent(server.issuer);
  const request = newAuthRequest(FIRST_PARTY.client_id, { scope });
  const uid = await startInteraction(agent, authorizeUrl(request));
  const message = messageFor(await getInteraction(agent, uid), address);
  return { agent, request, uid, message, send: (signature) => postLogin(agent, uid, message, signature) };
}

export interface Completed {
  /** The verified ID token's claims. */
  idToken: JWTPayload;
  /** GET /me with the access token. */
  userinfo: Record<string, unknown>;
}

/** From a 200 login answer to the relying party, then the code for tokens: the ID token (verified) and userinfo. */
export async function completeAt(server: TestServer, pending: PendingLogin, login: Response): Promise<Completed> {
  const { agent, request } = pending;
  assert.equal(login.status, 200, login.text);
  let callback = await follow(agent, login.body.redirectTo);
  if (callback.pathname.startsWith('/interaction/')) {
    const consent = await agent.post(`${callback.pathname}/confirm`).set('Accept', 'application/json').send({});
    assert.equal(consent.status, 200, consent.text);
    callback = await follow(agent, consent.body.redirectTo);
  }
  assert.equal(`${callback.origin}${callback.pathname}`, RP_REDIRECT, 'the flow reaches the relying party');
  assert.equal(callback.searchParams.get('state'), request.state);
  assert.ok(callback.searchParams.get('code'), `no code in ${callback.href}`);
  const token = await exchangeCode(agent, FIRST_PARTY, callback, request);
  assert.equal(token.status, 200, token.text);
  const jwks = createLocalJWKSet((await agent.get('/jwks')).body as JSONWebKeySet);
  const { payload } = await jwtVerify(token.body.id_token as string, jwks, { issuer: server.issuer, audience: FIRST_PARTY.client_id });
  assert.equal(payload.nonce, request.nonce);
  const userinfo = await agent.get('/me').set('Authorization', `Bearer ${token.body.access_token}`);
  assert.equal(userinfo.status, 200, userinfo.text);
  return { idToken: payload, userinfo: userinfo.body as Record<string, unknown> };
}

/** Asserts a refused login: this status and `error`; returns the error_description. */
export function assertRefused(response: Response, status: number, error: string): string {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body.error, error, response.text);
  return String(response.body.error_description);
}

export interface StderrRecorder {
  /** Everything written to stderr since the recorder started. */
  all(): string;
  /** What was written since the last take() (or the start), and starts a new span. */
  take(): string;
  /** Writes everything recorded to the real stderr (e.g. after a failed test). */
  replay(): void;
  /** Puts the real process.stderr.write back. */
  restore(): void;
}

/** Replaces process.stderr.write with a recorder (nothing reaches the terminal until replay()). */
export function recordStderr(): StderrRecorder {
  const original = process.stderr.write;
  let all = '';
  let mark = 0;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    all += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stderr.write;
  // Log lines are gathered before they are written (log.ts): write them out before every look.
  return {
    all: () => {
      flushLogs();
      return all;
    },
    take() {
      flushLogs();
      const span = all.slice(mark);
      mark = all.length;
      return span;
    },
    replay() {
      flushLogs();
      original.call(process.stderr, all);
    },
    restore() {
      flushLogs();
      process.stderr.write = original;
    },
  };
}
