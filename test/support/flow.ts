/**
 * Drives the authorization-code flow as a browser would, with a programmatic
 * wallet (an ethers Wallet) answering the Sign-In with Ethereum step.
 */
import { createHash, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import type { Wallet, HDNodeWallet } from 'ethers';
import type { ClientMetadata } from 'oidc-provider';
import type supertest from 'supertest';
import { formatSiweMessage, type SiweMessage } from '../../src/siwe/eip4361.js';
import type { InteractionView } from '../../src/interaction/view-model.js';
import { RP_REDIRECT } from './test-clients.js';

export type Agent = ReturnType<typeof supertest.agent>;
export type AnyWallet = Wallet | HDNodeWallet;

export interface AuthRequest {
  clientId: string;
  scope?: string;
  prompt?: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri?: string;
}

export function newAuthRequest(clientId: string, extra: Partial<AuthRequest> = {}): AuthRequest {
  return {
    clientId,
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    codeVerifier: randomBytes(32).toString('base64url'),
    ...extra,
  };
}

export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function authorizeUrl(request: AuthRequest): string {
  const params = new URLSearchParams({
    client_id: request.clientId,
    response_type: 'code',
    redirect_uri: request.redirectUri ?? RP_REDIRECT,
    scope: request.scope ?? 'openid',
    state: request.state,
    nonce: request.nonce,
    code_challenge: codeChallenge(request.codeVerifier),
    code_challenge_method: 'S256',
  });
  if (request.prompt) params.set('prompt', request.prompt);
  return `/auth?${params}`;
}

/** Follows the authorization request to the interaction it starts; returns its uid. */
export async function startInteraction(agent: Agent, url: string): Promise<string> {
  const response = await agent.get(url).redirects(0);
  assert.equal(response.status, 303, `expected a redirect to the interaction, got ${response.status} ${response.text}`);
  const match = /^\/interaction\/([^/?]+)$/.exec(new URL(response.headers.location!, 'http://x').pathname);
  assert.ok(match, `unexpected redirect ${response.headers.location}`);
  return match[1]!;
}

export async function getInteraction(agent: Agent, uid: string): Promise<InteractionView> {
  const response = await agent.get(`/interaction/${uid}`).set('Accept', 'application/json');
  assert.equal(response.status, 200, response.text);
  return response.body as InteractionView;
}

/** The message a well-behaved wallet client builds from the interaction's `siwe` fields. */
export function messageFor(view: InteractionView, address: string, overrides: Partial<SiweMessage> = {}): string {
  const siwe = view.siwe;
  assert.ok(siwe, 'the interaction has no SIWE challenge');
  return formatSiweMessage({
    domain: siwe.domain,
    address,
    statement: siwe.statement,
    uri: siwe.uri,
    version: siwe.version,
    chainId: siwe.chainIds[0]!,
    nonce: siwe.nonce,
    issuedAt: siwe.issuedAt,
    expirationTime: siwe.expirationTime,
    resources: siwe.resources,
    ...overrides,
  });
}

export async function postLogin(agent: Agent, uid: string, message: string, signature: string) {
  return agent.post(`/interaction/${uid}/login`).set('Accept', 'application/json').send({ message, signature });
}

/** Follows redirects on the provider until one leaves for the RP or lands on an interaction. */
export async function follow(agent: Agent, location: string, rpOrigin = new URL(RP_REDIRECT).origin): Promise<URL> {
  let next = new URL(location, 'http://provider.invalid');
  for (let hop = 0; hop < 5 && next.origin !== rpOrigin; hop += 1) {
    if (next.pathname.startsWith('/interaction/')) return next;
    const response = await agent.get(`${next.pathname}${next.search}`).redirects(0);
    assert.ok([302, 303].includes(response.status), `expected a redirect from ${next.pathname}, got ${response.status} ${response.text}`);
    next = new URL(response.headers.location!, 'http://provider.invalid');
  }
  return next;
}

/** From a started interaction to the RP's callback URL: SIWE, then consent if the provider asks. */
export async function completeLogin(agent: Agent, uid: string, wallet: AnyWallet): Promise<URL> {
  const view = await getInteraction(agent, uid);
  const message = messageFor(view, wallet.address);
  const login = await postLogin(agent, uid, message, await wallet.signMessage(message));
  assert.equal(login.status, 200, login.text);
  let next = await follow(agent, login.body.redirectTo);
  if (next.pathname.startsWith('/interaction/')) {
    const consentUid = next.pathname.split('/')[2]!;
    const consent = await agent.post(`/interaction/${consentUid}/confirm`).set('Accept', 'application/json').send({});
    assert.equal(consent.status, 200, consent.text);
    next = await follow(agent, consent.body.redirectTo);
  }
  return next;
}

/** A whole login: authorize → SIWE → (consent) → the RP's callback URL with code and state. */
export async function walletLogin(agent: Agent, wallet: AnyWallet, request: AuthRequest): Promise<URL> {
  return completeLogin(agent, await startInteraction(agent, authorizeUrl(request)), wallet);
}

/** HTTP Basic client authentication (RFC 6749 section 2.3.1: form-urlencoded id and secret). */
export function basicAuth(client: ClientMetadata): string {
  const id = encodeURIComponent(client.client_id);
  const secret = encodeURIComponent(String(client.client_secret));
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** The RP's token request for the code in `callback` (client_secret_basic, PKCE verifier of `request`). */
export function exchangeCode(agent: Agent, client: ClientMetadata, callback: URL, request: AuthRequest) {
  return agent
    .post('/token')
    .set('Authorization', basicAuth(client))
    .type('form')
    .send({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code'),
      redirect_uri: request.redirectUri ?? RP_REDIRECT,
      code_verifier: request.codeVerifier,
    });
}
