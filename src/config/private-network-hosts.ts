/**
 * PRIVATE_NETWORK_HOSTS: the hosts the provider's outgoing requests
 * (back-channel logout, a client's jwks_uri) may reach although they resolve
 * to loopback or private addresses (see oidc/outbound-fetch.ts).
 */

/** Host names or IP literals, lower case; IPv6 literals in brackets as URL.hostname has them. */
export function parsePrivateNetworkHosts(raw: string | undefined, problems: string[]): string[] {
  const hosts = (raw ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  const normalized = hosts.map((host) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host));
  const bad = normalized.filter(
    (host) => !/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/.test(host),
  );
  if (bad.length > 0) {
    problems.push(`PRIVATE_NETWORK_HOSTS must list host names or IP addresses (no scheme, port or path), got "${bad.join('", "')}"`);
  }
  return [...new Set(normalized)];
}
