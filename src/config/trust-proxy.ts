/**
 * TRUST_PROXY: which proxies in front of the server may name the client's
 * address in X-Forwarded-For. It never changes the protocol or host: every
 * URL derives from ISSUER alone.
 *
 *   false, 0 (default)   X-Forwarded-For is ignored: the client is the TCP peer
 *   N (1-32), true = 1   N proxies append to X-Forwarded-For: the client is
 *                        the N-th entry from the right (Koa's maxIpsCount)
 *   10.0.0.0/8,fd00::1   the proxies' addresses or CIDR ranges: a peer among
 *                        them is a proxy, and X-Forwarded-For is read from the
 *                        right past every listed address; any other peer's
 *                        X-Forwarded-For is ignored
 */
import { isIP } from 'node:net';

export type TrustProxy =
  | { mode: 'off' }
  | { mode: 'hops'; hops: number }
  /** Normalized: `address` or `address/prefix`, IPv6 in lower case without brackets. */
  | { mode: 'addresses'; addresses: string[] };

export const MAX_PROXY_HOPS = 32;

const OFF = new Set(['', 'false', '0', 'no', 'off']);
const ONE_HOP = new Set(['true', 'yes', 'on']);

/** `a.b.c.d`, `a.b.c.d/n`, `::1`, `[::1]`, `fd00::/8` → the normalized entry, or undefined. */
function parseEntry(raw: string): string | undefined {
  const [address = '', prefix, ...rest] = raw.split('/');
  if (rest.length > 0) return undefined;
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return undefined;
  const normalized = family === 6 ? bare.toLowerCase() : bare;
  if (prefix === undefined) return normalized;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return undefined;
  return `${normalized}/${Number(prefix)}`;
}

export function parseTrustProxy(raw: string | undefined, problems: string[]): TrustProxy {
  const value = (raw ?? '').trim().toLowerCase();
  if (OFF.has(value)) return { mode: 'off' };
  if (ONE_HOP.has(value)) return { mode: 'hops', hops: 1 };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= MAX_PROXY_HOPS) return { mode: 'hops', hops };
    problems.push(`TRUST_PROXY: at most ${MAX_PROXY_HOPS} proxy hops, got "${raw}"`);
    return { mode: 'off' };
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const parsed = entries.map(parseEntry);
  const bad = entries.filter((_entry, i) => parsed[i] === undefined);
  if (entries.length === 0 || bad.length > 0) {
    problems.push(
      'TRUST_PROXY must be false, a number of proxy hops (e.g. 1), or comma-separated proxy addresses or CIDR ranges ' +
        `(e.g. "10.0.0.0/8,192.0.2.7"), got "${raw}"${bad.length > 0 ? ` (not an address or range: "${bad.join('", "')}")` : ''}`,
    );
    return { mode: 'off' };
  }
  return { mode: 'addresses', addresses: [...new Set(parsed as string[])] };
}
