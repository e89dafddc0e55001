/**
 * Outgoing requests (back-channel logout, a client's jwks_uri). oidc-provider
 * refuses to connect to loopback, private and other special-use addresses
 * (SSRF protection). PRIVATE_NETWORK_HOSTS names the hosts an operator trusts
 * anyway, e.g. a Keycloak on the same private network; requests to them go
 * out without that check. Everything else keeps oidc-provider's protection.
 */
import type { Configuration } from 'oidc-provider';

type Fetch = NonNullable<Configuration['fetch']>;

export function outboundFetch(privateNetworkHosts: readonly string[]): Fetch {
  const trusted = new Set(privateNetworkHosts);
  return (url, options) => {
    if (trusted.has(new URL(url).hostname)) {
      const { dispatcher: _protected, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return fetch(url, rest);
    }
    return fetch(url, options);
  };
}
