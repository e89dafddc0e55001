/**
 * The relying parties of the federation tests. Their callbacks are never
 * fetched (the user agent stops at the relying party's origin), so web clients
 * using the implicit or hybrid flow can have the https redirect URIs
 * oidc-provider requires of them.
 */
import type { ClientMetadata } from 'oidc-provider';

export const RP_ORIGIN = 'https://rp.example.test';
export const RP_CALLBACK = `${RP_ORIGIN}/callback`;
export const RP_LOGGED_OUT = `${RP_ORIGIN}/logged-out`;

const secret = (id: string) => `${id}-secret-which-is-long-enough-for-hs256`;

function client(id: string, metadata: Partial<ClientMetadata>): ClientMetadata {
  return {
    client_id: id,
    client_name: `RP ${id}`,
    redirect_uris: [RP_CALLBACK],
    post_logout_redirect_uris: [RP_LOGGED_OUT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    first_party: true,
    ...metadata,
  };
}

export const BASIC = client('rp-basic', { client_secret: secret('rp-basic'), token_endpoint_auth_method: 'client_secret_basic' });
export const POST = client('rp-post', { client_secret: secret('rp-post'), token_endpoint_auth_method: 'client_secret_post' });
export const PUBLIC = client('rp-public', { token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] });

/** A client authenticating with a key pair; its public JWK is given by the test. */
export function privateKeyJwtClient(publicJwk: Record<string, unknown>): ClientMetadata {
  return client('rp-private-key-jwt', {
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: { keys: [publicJwk] },
  } as Partial<ClientMetadata>);
}

/** Auth0's front channel: response_type=id_token, response_mode=form_post, no secret used. */
export const IMPLICIT = client('rp-implicit', {
  token_endpoint_auth_method: 'none',
  grant_types: ['implicit'],
  response_types: ['id_token'],
});

export const HYBRID = client('rp-hybrid', {
  client_secret: secret('rp-hybrid'),
  grant_types: ['authorization_code', 'implicit'],
  response_types: ['code id_token'],
});

/** A third-party client allowed only the openid scope. */
export const OPENID_ONLY = client('rp-openid-only', { client_secret: secret('rp-openid-only'), scope: 'openid', first_party: false });

export const FEDERATION_CLIENTS = [BASIC, POST, PUBLIC, IMPLICIT, HYBRID, OPENID_ONLY];
