/** openid-client, the certified relying-party library, pointed at a test server over plain http. */
import * as oidc from 'openid-client';
import type { TestServer } from './server.js';

export type Configuration = oidc.Configuration;

export interface Discover {
  clientId: string;
  clientAuth?: oidc.ClientAuth;
  metadata?: Partial<oidc.ClientMetadata>;
  execute?: Array<(config: oidc.Configuration) => void>;
}

export async function discover(server: TestServer, options: Discover): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(server.issuer),
    options.clientId,
    { id_token_signed_response_alg: 'ES256', ...options.metadata },
    options.clientAuth,
    {
      execute: [oidc.allowInsecureRequests, ...(options.execute ?? [])],
    },
  );
}

/** A code + PKCE authorization request; returns the URL and what the callback needs to check. */
export async function codeRequest(config: oidc.Configuration, parameters: Record<string, string>) {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...parameters,
  });
  return { url, checks: { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce } };
}
