/**
 * Every request the provider itself sends out (back-channel logout tokens, a
 * client's jwks_uri, a sector_identifier_uri), through one guarded fetch.
 *
 * SSRF protection: a connection whose peer is a loopback, private, link-local
 * or other special-use address (IANA's special-purpose registries) is refused
 * after it is made and before a byte is sent, so neither an IP literal, a DNS
 * name nor a DNS answer that changes between lookups (rebinding) gets through.
 * PRIVATE_NETWORK_HOSTS names the hosts an operator trusts anyway, e.g. a
 * Keycloak on the same private network.
 *
 * This is oidc-provider's documented `fetch` hook; the guard is ours (undici's
 * public Agent and connector), so nothing depends on how oidc-provider
 * protects its own default fetch.
 */
import { BlockList, isIP } from 'node:net';
import type { Configuration } from 'oidc-provider';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';

type Fetch = NonNullable<Configuration['fetch']>;

/** A connection to a special-use address that no PRIVATE_NETWORK_HOSTS entry allows. */
export class SpecialUseAddressError extends Error {
  readonly code = 'ERR_SPECIAL_USE_ADDRESS';

  constructor(hostname: string, address: string) {
    super(
      `${hostname} is at the special-use address ${address} (loopback, private or reserved); add it to PRIVATE_NETWORK_HOSTS to allow it`,
    );
    this.name = 'SpecialUseAddressError';
  }
}

/** IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and successors). */
const SPECIAL_USE: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.31.196.0', 24, 'ipv4'],
  ['192.52.193.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['192.175.48.0', 24, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['2620:4f:8000::', 48, 'ipv6'],
  ['3fff::', 20, 'ipv6'],
  ['5f00::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const specialUse = new BlockList();
for (const [network, prefix, family] of SPECIAL_USE) specialUse.addSubnet(network, prefix, family);

/** True for an address in a special-use range; IPv4-mapped IPv6 addresses are judged as IPv4. */
export function isSpecialUseAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return specialUse.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return specialUse.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The undici dispatcher that refuses special-use peers of untrusted hosts. */
export function guardedAgent(privateNetworkHosts: readonly string[]): Agent {
  const trusted = new Set(privateNetworkHosts.map((host) => host.toLowerCase()));
  const connect = buildConnector({});
  return new Agent({
    connect: (options, callback) => {
      connect(options, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error('no socket'), null);
        const hostname = options.hostname.toLowerCase();
        const peer = socket.remoteAddress ?? '';
        if (!trusted.has(hostname) && isSpecialUseAddress(peer)) {
          socket.destroy();
          return callback(new SpecialUseAddressError(hostname, peer), null);
        }
        callback(null, socket);
      });
    },
  });
}

export function outboundFetch(privateNetworkHosts: readonly string[]): Fetch {
  const dispatcher = guardedAgent(privateNetworkHosts);
  return (url, options) => {
    // Whatever dispatcher the caller proposed, ours carries the guard.
    const { dispatcher: _proposed, ...rest } = options as RequestInit & { dispatcher?: unknown };
    return undiciFetch(url as string | URL, { ...(rest as object), dispatcher }) as unknown as Promise<Response>;
  };
}

/** Whether an error from an outbound request is our refusal of a special-use address. */
export function isSpecialUseRefusal(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof SpecialUseAddressError) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
