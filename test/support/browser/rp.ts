/**
 * The relying party of the browser tests: openid-client builds the
 * authorization request and exchanges the code; a small local web server on a
 * free port is its redirect_uri (playwright's page.route does not see the
 * targets of redirects, so the browser must really arrive somewhere).
 */
import * as oidc from 'openid-client';
import type { ClientMetadata } from 'oidc-provider';
import type { Page } from 'playwright-core';
import { startSite, type LocalSite } from '../site.js';

export interface RelyingParty extends LocalSite {
  redirectUri: string;
  /** `client` registered with this RP's redirect_uri and post-logout URI. */
  register(client: ClientMetadata): ClientMetadata;
}

export async function startRelyingParty(): Promise<RelyingParty> {
  const site = await startSite((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>Relying party</title><p>The relying party received the response.</p>');
  });
  const redirectUri = `${site.origin}/callback`;
  return {
    ...site,
    redirectUri,
    register: (client) => ({ ...client, redirect_uris: [redirectUri], post_logout_redirect_uris: [`${site.origin}/bye`] }),
  };
}

export interface Authorization {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

export function discover(issuer: string, client: ClientMetadata): Promise<oidc.Configuration> {
  const auth =
    client.token_endpoint_auth_method === 'client_secret_post'
      ? oidc.ClientSecretPost(String(client.client_secret))
      : oidc.ClientSecretBasic(String(client.client_secret));
  return oidc.discovery(new URL(issuer), String(client.client_id), { id_token_signed_response_alg: 'ES256' }, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

export async function authorization(
  config: oidc.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
): Promise<Authorization> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, codeVerifier, state, nonce };
}

/** Waits until the browser arrives at the RP's redirect_uri; returns that URL. */
export async function callbackOf(page: Page, redirectUri: string): Promise<URL> {
  await page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`));
  return new URL(page.url());
}

/** Exchanges the code the RP received; returns the ID token's claims. */
export async function exchange(config: oidc.Configuration, callback: URL, request: Authorization) {
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('no ID token');
  return claims;
}
