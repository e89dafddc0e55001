/**
 * The OpenID Provider: panva's certified oidc-provider, configured.
 * Every OAuth 2.0 / OIDC endpoint is oidc-provider's; we supply the login,
 * the storage adapter, the accounts and the pages a person sees.
 */
import type { Middleware } from 'koa';
import Provider, { errors, type Adapter, type ClientMetadata, type Configuration, type ResponseType } from 'oidc-provider';
import type { Config } from '../config/env.js';
import { EXTRA_CLIENT_METADATA } from '../config/clients.js';
import { ConfigError } from '../config/config-error.js';
import { SIGNING_ALGORITHMS, type PrivateJwks } from '../config/keys.js';
import type { GateReader } from '../gates/evaluate-gates.js';
import { GroupStore } from '../gates/gate-groups.js';
import { gatedAtRefresh } from '../gates/refresh-gates.js';
import { gatedInteractionPolicy } from '../gates/session-gates.js';
import { parseTokenGates, TOKEN_GATES, TokenGateError } from '../gates/token-gates.js';
import { LOCALES } from '../i18n/catalogues.js';
import { log } from '../log.js';
import type { EnsProfiles } from '../ens/ens-profiles.js';
import { profileRefresher } from '../ens/profile-refresh.js';
import type { Store } from '../storage/store.js';
import { resolveClientAddress } from '../web/client-address.js';
import type { RateLimiter } from '../web/rate-limiter.js';
import { hsts } from '../web/hsts.js';
import { pinOrigin } from '../web/pinned-origin.js';
import { accountFinder } from './account.js';
import { CLAIMS, SCOPES } from './claims.js';
import { clientBasedCORS } from './client-cors.js';
import { withClientIndex } from './client-index.js';
import { extendRegisteredClientsOnSignIn, withRegisteredClientLifetime } from './client-lifetime.js';
import { loadExistingGrant } from './grants.js';
import { providerTtl } from './token-lifetimes.js';
import { recordSignIn, signInOfSession } from './sign-in-record.js';
import { isSpecialUseRefusal, outboundFetch } from './outbound-fetch.js';
import { logoutSource, postLogoutSuccessSource, renderError } from './pages.js';
import { interactionPolicyWithFreshDeviceSignIn, USER_CODE_CHARSET, USER_CODE_MASK, userCodeFromLink } from './device-flow.js';
import { successSource, userCodeConfirmSource, userCodeInputSource } from './device-pages.js';
import { checkSelfAssertedMetadata, isSelfAsserted, registrationFeatures } from './registration-policy.js';
import { limitedRoutes } from './limited-routes.js';
import { registerProviderRoutes } from './route-matcher.js';
import { checkResourceServerMetadata, introspectionAllowed, RESOURCE_SERVER, revocationAllowed } from './token-policies.js';

export interface ProviderOptions {
  config: Config;
  jwks: PrivateJwks;
  clients: ClientMetadata[];
  cookieKeys: string[];
  adapter: new (name: string) => Adapter;
  /**
   * The shared store behind the adapter. With it, stored clients are indexed
   * (for the command-line tool), registered clients expire when idle, the
   * chain of each sign-in is kept for the `ethereum` scope.
   */
  store?: Store;
  /**
   * The abuse limits' counters (RATE_LIMITS): with them, requests to the
   * authorization, token, logout and registration endpoints and to the
   * login route count per client address (limited-routes.ts).
   */
  rateLimiter?: RateLimiter;
  /**
   * Reads clients' token gates on the chains (the Chains of RPC_URLS): at sign-in, on a
   * session's next authorization and at refresh (gates/). Without it, a gate cannot be evaluated.
   */
  gateReader?: GateReader | undefined;
  /** ENS lookups (ENS_RPC_URL…): with them and a store, a refresh looks the `profile` claims up again (ens/). */
  ens?: EnsProfiles;
}

/** The response types federation needs; a client uses those it registered (default: code). */
export const RESPONSE_TYPES: ResponseType[] = ['code', 'id_token', 'code id_token'];

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;

function extraMetadataValidator(config: Config) {
  return (ctx: unknown, key: string, value: unknown, metadata: Record<string, unknown>): void => {
    if (key === RESOURCE_SERVER) {
      checkResourceServerMetadata(value, metadata);
      return;
    }
    if (key === TOKEN_GATES) {
      // Every gate's chain needs its RPC (RPC_URLS); registration refuses token_gates altogether (registration-policy.ts).
      try {
        parseTokenGates(value, new Set(config.rpcUrls.keys()));
      } catch (error) {
        if (error instanceof TokenGateError) throw new errors.InvalidClientMetadata(error.message);
        throw error;
      }
      return;
    }
    if (key !== 'first_party') return;
    if (value !== undefined && typeof value !== 'boolean') {
      throw new errors.InvalidClientMetadata('first_party must be true or false');
    }
    // The validator runs for every property: the self-asserted policy runs once, with first_party's turn.
    if (isSelfAsserted(ctx)) checkSelfAssertedMetadata(metadata, config.registration.mode, config.privateNetworkHosts);
  };
}

/** The `groups` of token-gated clients, kept beside the session per client (gates/gate-groups.ts). */
function groupStoreOf({ store, config }: ProviderOptions): GroupStore | undefined {
  return store ? new GroupStore(store, config.lifetimes.sessionMaxAge) : undefined;
}

export function providerConfiguration(options: ProviderOptions, groups = groupStoreOf(options)): Configuration {
  const { config, jwks, clients, cookieKeys, store } = options;
  return {
    adapter: store
      ? withClientIndex(withRegisteredClientLifetime(options.adapter, store, config.registration.clientTtl), store)
      : options.adapter,
    clients,
    jwks: jwks as Configuration['jwks'],
    // Token gates are evaluated again when a refresh token is used (gates/refresh-gates.ts).
    findAccount: gatedAtRefresh(
      accountFinder(
        store ? (sessionUid) => signInOfSession(store, sessionUid) : undefined,
        store && options.ens ? profileRefresher(options.ens, store, config.lifetimes.sessionMaxAge) : undefined,
        groups && ((...args) => groups.claim(...args)),
      ),
      options.gateReader,
      groups,
    ),
    claims: CLAIMS,
    scopes: [...SCOPES],
    // Scope claims go in the ID token too: brokers such as Auth0 never call userinfo.
    conformIdTokenClaims: false,
    cookies: {
      keys: cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      introspection: { enabled: true, allowedPolicy: introspectionAllowed },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      backchannelLogout: { enabled: true },
      // RFC 8628, for clients that register urn:ietf:params:oauth:grant-type:device_code (see device-flow.ts).
      deviceFlow: {
        enabled: true,
        charset: USER_CODE_CHARSET,
        mask: USER_CODE_MASK,
        userCodeInputSource,
        userCodeConfirmSource,
        successSource,
      },
      ...registrationFeatures(config.registration),
    },
    // RFC 7636 + RFC 9700: S256 only; required for public clients, and used by any client that sends it.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    responseTypes: RESPONSE_TYPES,
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: SIGNING_ALGORITHMS[0],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    clientBasedCORS,
    fetch: outboundFetch(config.privateNetworkHosts),
    enabledJWA: {
      idTokenSigningAlgValues: [...SIGNING_ALGORITHMS],
      userinfoSigningAlgValues: [...SIGNING_ALGORITHMS],
      introspectionSigningAlgValues: [...SIGNING_ALGORITHMS],
      authorizationSigningAlgValues: [...SIGNING_ALGORITHMS],
    },
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA], validator: extraMetadataValidator(config) },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      // The login prompt also asks for a fresh signature when a user code is entered (oidc/device-flow.ts), and for a
      // gated client's token gates on an existing session (gates/session-gates.ts).
      policy: gatedInteractionPolicy(options.gateReader, groups, interactionPolicyWithFreshDeviceSignIn()),
    },
    loadExistingGrant,
    renderError,
    // OpenID Connect Discovery: the languages our pages speak (ui_locales chooses among them).
    discovery: { ui_locales_supported: LOCALES },
    ttl: providerTtl(config.lifetimes, config.interactionTtl),
    // Every use of a refresh token rotates it: the new one gets a fresh idle window (REFRESH_TOKEN_TTL), see lifetimes.ts.
    rotateRefreshToken: true,
  };
}

/** `first`, then `second` where `first` calls next: two middleware as one (one layer fewer for every request). */
function inSequence(first: Middleware, second: Middleware): Middleware {
  return (ctx, next) => first(ctx, () => second(ctx, next));
}

/** The routes that complete a sign-in: the resume of an authorization request, or of a device request. */
const SIGN_IN_ROUTES = ['resume', 'device_resume'];
/** The routes whose success is oidc-provider's `authorization.success`. */
const AUTHORIZATION_ROUTES = ['authorization', 'resume', 'device_resume'];

export async function createProvider(options: ProviderOptions): Promise<Provider> {
  const { store, config } = options;
  const groups = groupStoreOf(options);
  const configuration = providerConfiguration(options, groups);
  const provider = new Provider(config.issuer, configuration);
  // Every URL from ISSUER alone; the client address as TRUST_PROXY says; HSTS on an https issuer.
  pinOrigin(provider, config.issuer);
  resolveClientAddress(provider, config.trustProxy);
  provider.use(hsts(config.issuer));
  const routes = registerProviderRoutes(provider, { enableHttpPostMethods: configuration.enableHttpPostMethods === true });
  if (options.rateLimiter) {
    // First, before any other work: a refused request costs one count.
    provider.use(limitedRoutes(options.rateLimiter, routes));
  }
  provider.use(userCodeFromLink(routes));
  if (store && groups) {
    // After a sign-in completes (the resume of an authorization or of a device request); other requests pass straight on.
    provider.use(routes.only(SIGN_IN_ROUTES, inSequence(recordSignIn(store, config.lifetimes.sessionMaxAge), groups.recordAtSignIn())));
    const staticIds = new Set(options.clients.map((client) => String(client.client_id)));
    provider.use(
      routes.only(AUTHORIZATION_ROUTES, extendRegisteredClientsOnSignIn(provider, store, config.registration.clientTtl, staticIds)),
    );
  }
  provider.on('backchannel.error', (_ctx, error, client) => {
    const blocked = isSpecialUseRefusal(error);
    log.warn('back-channel logout failed', {
      client: client.clientId,
      error: error.message,
      ...(blocked ? { hint: 'the receiver is on a loopback or private address: add its host to PRIVATE_NETWORK_HOSTS' } : {}),
    });
  });
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
