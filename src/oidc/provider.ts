/**
 * The OpenID Provider: panva's certified oidc-provider, configured.
 * Every OAuth 2.0 / OIDC endpoint is oidc-provider's; we supply the login,
 * the storage adapter, the accounts and the pages a person sees.
 */
import Provider, { errors, type Adapter, type ClientMetadata, type Configuration } from 'oidc-provider';
import type { Config } from '../config/env.js';
import { EXTRA_CLIENT_METADATA } from '../config/clients.js';
import { ConfigError } from '../config/errors.js';
import { SIGNING_ALGORITHMS, type PrivateJwks } from '../config/keys.js';
import { findAccount } from './account.js';
import { CLAIMS, SCOPES } from './claims.js';
import { loadExistingGrant } from './grants.js';
import { logoutSource, postLogoutSuccessSource, renderError } from './pages.js';

export interface ProviderOptions {
  config: Config;
  jwks: PrivateJwks;
  clients: ClientMetadata[];
  cookieKeys: string[];
  adapter: new (name: string) => Adapter;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function validateExtraMetadata(_ctx: unknown, key: string, value: unknown): void {
  if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
    throw new errors.InvalidClientMetadata('first_party must be true or false');
  }
}

export function providerConfiguration(options: ProviderOptions): Configuration {
  const { config, jwks, clients, cookieKeys, adapter } = options;
  return {
    adapter,
    clients,
    jwks: jwks as Configuration['jwks'],
    findAccount,
    claims: CLAIMS,
    scopes: [...SCOPES],
    cookies: {
      keys: cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    // RFC 7636 + RFC 9700: S256 only; required for public clients, and used by any client that sends it.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: SIGNING_ALGORITHMS[0],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: [...SIGNING_ALGORITHMS],
      userinfoSigningAlgValues: [...SIGNING_ALGORITHMS],
      introspectionSigningAlgValues: [...SIGNING_ALGORITHMS],
      authorizationSigningAlgValues: [...SIGNING_ALGORITHMS],
    },
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA], validator: validateExtraMetadata },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant,
    renderError,
    ttl: {
      AccessToken: HOUR,
      AuthorizationCode: MINUTE,
      IdToken: HOUR,
      RefreshToken: 14 * DAY,
      Interaction: config.interactionTtl,
      Session: 14 * DAY,
      Grant: 14 * DAY,
    },
  };
}

export async function createProvider(options: ProviderOptions): Promise<Provider> {
  const provider = new Provider(options.config.issuer, providerConfiguration(options));
  provider.proxy = options.config.trustProxy;
  // Static clients are validated lazily by oidc-provider; validate them now so a bad CLIENTS_FILE stops the start.
  const problems: string[] = [];
  for (const client of options.clients) {
    try {
      await provider.Client.find(String(client.client_id));
    } catch (error) {
      if (!(error instanceof errors.OIDCProviderError)) throw error;
      problems.push(`client "${client.client_id}": ${error.error}: ${error.error_description ?? error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return provider;
}
