/**
 * One whole login as a browser plus a relying party do it, with a cookie jar of
 * its own: authorize → interaction JSON → signed EIP-4361 login → follow the
 * redirects → code → token (client_secret_basic + PKCE). `abandon` stops after
 * the interaction JSON, like a person who never signs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import type { InteractionView } from '../../src/interaction/view-model.js';
import { formatSiweMessage } from '../../src/siwe/eip4361.js';
import { CookieJar } from './cookie-jar.js';
import { send, type Reply } from './http.js';
import { BENCH_CLIENT, REDIRECT_URI } from './setup.js';
import type { BenchWallet } from './wallets.js';

const BASIC = `Basic ${Buffer.from(`${BENCH_CLIENT.client_id}:${BENCH_CLIENT.client_secret}`).toString('base64')}`;
const JSON_HEADERS = { accept: 'application/json' };

/** A step answered with an unexpected status (`status`: what it answered). */
export class StepError extends Error {
  readonly status: number;

  constructor(step: string, reply: Reply) {
    super(`${step}: HTTP ${reply.status} ${reply.location ?? ''} ${reply.body.slice(0, 200)}`);
    this.status = reply.status;
  }
}

function expect(step: string, reply: Reply, status: number[]): void {
  if (!status.includes(reply.status)) throw new StepError(step, reply);
}

/** An authorization request of the bench client (code flow, PKCE S256 from `verifier`). */
export function authorizeUrl(base: URL, state: string, verifier: string): URL {
  const url = new URL('/auth', base);
  url.search = new URLSearchParams({
    client_id: BENCH_CLIENT.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state,
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

function signedLogin(view: InteractionView, wallet: BenchWallet): string {
  const siwe = view.siwe;
  if (!siwe) throw new Error('interaction: no siwe fields (not a login prompt?)');
  const message = formatSiweMessage({
    domain: siwe.domain,
    address: wallet.address,
    statement: siwe.statement,
    uri: siwe.uri,
    version: siwe.version,
    chainId: siwe.chainIds[0] ?? 1,
    nonce: siwe.nonce,
    issuedAt: siwe.issuedAt,
    expirationTime: siwe.expirationTime,
    resources: siwe.resources,
  });
  return JSON.stringify({ message, signature: wallet.sign(message) });
}

export async function runLogin(agent: Agent, base: URL, wallet: BenchWallet, abandon = false): Promise<void> {
  const jar = new CookieJar();
  const state = randomBytes(8).toString('hex');
  const verifier = randomBytes(32).toString('base64url');

  const authorize = await send(agent, jar, authorizeUrl(base, state, verifier));
  expect('authorize', authorize, [302, 303]);
  const interactionUrl = new URL(authorize.location ?? '', base);
  if (interactionUrl.origin !== base.origin) {
    // Refused at once, to the relying party (e.g. error=temporarily_unavailable: the in-memory store at its cap).
    throw new StepError('authorize', { ...authorize, body: `error=${interactionUrl.searchParams.get('error')}` });
  }
  const shown = await send(agent, jar, interactionUrl, { headers: JSON_HEADERS });
  expect('interaction', shown, [200]);
  if (abandon) return;

  const body = signedLogin(JSON.parse(shown.body) as InteractionView, wallet);
  const loginUrl = new URL(`${interactionUrl.pathname}/login`, base);
  const posted = await send(agent, jar, loginUrl, {
    method: 'POST',
    headers: { ...JSON_HEADERS, 'content-type': 'application/json' },
    body,
  });
  expect('login', posted, [200]);

  let next = new URL((JSON.parse(posted.body) as { redirectTo: string }).redirectTo, base);
  for (let hop = 0; next.origin === base.origin; hop++) {
    if (hop === 5) throw new Error(`follow: still on the provider after 5 redirects (${next.pathname})`);
    const reply = await send(agent, jar, next);
    expect(`follow ${next.pathname}`, reply, [302, 303]);
    next = new URL(reply.location ?? '', base);
  }
  const code = next.searchParams.get('code');
  if (!code || next.searchParams.get('state') !== state) throw new Error(`callback: no code or wrong state: ${next.search}`);

  const token = await send(agent, new CookieJar(), new URL('/token', base), {
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
  });
  expect('token', token, [200]);
  if (!(JSON.parse(token.body) as { id_token?: string }).id_token) throw new Error('token: no id_token');
}
