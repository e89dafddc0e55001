/** The relying parties the tests play. */
import type { ClientMetadata } from 'oidc-provider';

export const RP_REDIRECT = 'http://127.0.0.1:9999/callback';

/** A confidential first-party web app: no consent screen. */
export const FIRST_PARTY: ClientMetadata = {
  client_id: 'first-party',
  client_secret: 'first-party-secret-which-is-long-enough',
  client_name: 'First Party App',
  redirect_uris: [RP_REDIRECT],
  post_logout_redirect_uris: ['http://127.0.0.1:9999/bye'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  first_party: true,
};

/** A confidential third-party app: consent is asked. */
export const THIRD_PARTY: ClientMetadata = {
  client_id: 'third-party',
  client_secret: 'third-party-secret-which-is-long-enough',
  client_name: 'Third Party App',
  logo_uri: 'https://third.example/logo.png',
  client_uri: 'https://third.example/',
  policy_uri: 'https://third.example/privacy',
  tos_uri: 'https://third.example/terms',
  redirect_uris: [RP_REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
};

/** A public client (SPA / native): PKCE required. */
export const PUBLIC_CLIENT: ClientMetadata = {
  client_id: 'public-spa',
  client_name: 'Public SPA',
  redirect_uris: [RP_REDIRECT],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  first_party: true,
};

/** An older relying party that only verifies RS256 ID tokens. */
export const RS256_CLIENT: ClientMetadata = {
  client_id: 'legacy-rs256',
  client_secret: 'legacy-rs256-secret-which-is-long-enough',
  redirect_uris: [RP_REDIRECT],
  id_token_signed_response_alg: 'RS256',
  first_party: true,
};

export const TEST_CLIENTS = [FIRST_PARTY, THIRD_PARTY, PUBLIC_CLIENT, RS256_CLIENT];
