/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592).
 *
 *   REGISTRATION=off    (default) no registration endpoint
 *   REGISTRATION=token  POST /reg needs `Authorization: Bearer <REGISTRATION_INITIAL_ACCESS_TOKEN>`
 *   REGISTRATION=open   anyone may register, under the open policy below, rate-limited per IP
 *
 * Every registered client gets a registration access token to read, update
 * and delete itself at its registration_client_uri. A registered client can
 * never declare itself first-party (only CLIENTS_FILE and the command-line
 * tool can skip the consent screen), a resource server (which may
 * introspect other clients' tokens) or token-gated (`token_gates`, which
 * reads the chain at every sign-in), whatever the mode. It lives
 * REGISTRATION_CLIENT_TTL without a sign-in (client-lifetime.ts).
 *
 * The open policy (for public instances that OIDC debuggers use):
 *   - redirect_uris and post_logout_redirect_uris are https, or http on a
 *     loopback host (localhost, 127.0.0.1, [::1]) as RFC 8252 section 7.3 allows;
 *   - URLs this server calls (backchannel_logout_uri, jwks_uri) are https and
 *     not a host listed in PRIVATE_NETWORK_HOSTS or a loopback host;
 *   - sector_identifier_uri is refused (nothing to fetch for a public subject).
 */
import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { isLoopback } from '../config/env.js';
import type { RegistrationConfig } from '../config/registration.js';

type Metadata = Record<string, unknown>;

/** The routes on which a client's metadata comes from the client itself. */
const SELF_ASSERTED = new Set(['registration', 'client_update']);

export function isSelfAsserted(ctx: unknown): boolean {
  return SELF_ASSERTED.has(String((ctx as KoaContextWithOIDC | undefined)?.oidc?.route));
}

type Features = NonNullable<Configuration['features']>;

export function registrationFeatures(registration: RegistrationConfig): Pick<Features, 'registration' | 'registrationManagement'> {
  if (registration.mode === 'off') {
    return { registration: { enabled: false }, registrationManagement: { enabled: false } };
  }
  return {
    registration: {
      enabled: true,
      initialAccessToken: registration.mode === 'token' ? registration.initialAccessToken! : false,
    },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
  };
}

function urls(metadata: Metadata, property: string): string[] {
  const value = metadata[property];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function checkRedirects(metadata: Metadata, property: string): void {
  for (const uri of urls(metadata, property)) {
    const url = parse(uri);
    if (url && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)))) continue;
    throw new errors.InvalidRedirectUri(
      `${property}: open registration accepts https URIs, or http on localhost, 127.0.0.1 or [::1] (got ${uri})`,
    );
  }
}

function checkFetched(metadata: Metadata, property: string, privateNetworkHosts: readonly string[]): void {
  for (const uri of urls(metadata, property)) {
    const url = parse(uri);
    if (url?.protocol === 'https:' && !isLoopback(url.hostname) && !privateNetworkHosts.includes(url.hostname)) continue;
    throw new errors.InvalidClientMetadata(`${property}: open registration accepts only public https URLs (got ${uri})`);
  }
}

/**
 * Checks metadata a client asserts about itself at the registration endpoints.
 * Runs inside oidc-provider's extraClientMetadata validator, so creation and
 * RFC 7592 updates are both covered.
 */
export function checkSelfAssertedMetadata(
  metadata: Metadata,
  mode: RegistrationConfig['mode'],
  privateNetworkHosts: readonly string[],
): void {
  if (metadata.first_party !== undefined && metadata.first_party !== false) {
    throw new errors.InvalidClientMetadata('first_party cannot be registered: first-party clients are configured by the operator');
  }
  if (metadata.resource_server !== undefined && metadata.resource_server !== false) {
    throw new errors.InvalidClientMetadata('resource_server cannot be registered: resource servers are configured by the operator');
  }
  if (metadata.token_gates !== undefined) {
    throw new errors.InvalidClientMetadata('token_gates cannot be registered: token-gated clients are configured by the operator');
  }
  if (mode !== 'open') return;
  checkRedirects(metadata, 'redirect_uris');
  checkRedirects(metadata, 'post_logout_redirect_uris');
  checkFetched(metadata, 'backchannel_logout_uri', privateNetworkHosts);
  checkFetched(metadata, 'jwks_uri', privateNetworkHosts);
  if (metadata.sector_identifier_uri !== undefined) {
    throw new errors.InvalidClientMetadata('sector_identifier_uri is not accepted by open registration');
  }
}
