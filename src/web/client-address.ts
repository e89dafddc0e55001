/**
 * The client's address (Koa's ctx.ip, which per-address limits key on), read
 * as TRUST_PROXY says (see config/trust-proxy.ts). X-Forwarded-For is written
 * left to right: the client may put anything there, and each proxy appends
 * the peer it saw. So it is read from the right, past trusted proxies only:
 *
 *   hops N      the N-th entry from the right (the left-most if there are fewer;
 *               the TCP peer if there is none), as Koa's maxIpsCount does;
 *   addresses   only when the TCP peer is a listed proxy: the right-most entry
 *               that is not a listed proxy (the left-most if all are).
 *
 * Koa's own app.proxy is off, so Koa never reads X-Forwarded-* itself.
 * IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are given as IPv4.
 */
import type Koa from 'koa';
import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../config/trust-proxy.js';

const MEMO = Symbol('clientAddress');
const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An address as a proxy wrote it (`192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:443`, `2001:db8::1`), bare and normalized. */
export function normalizeAddress(raw: string): string {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  return isIP(address) === 6 ? address.toLowerCase() : address;
}

function trustedProxies(addresses: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of addresses) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** A function of (TCP peer, X-Forwarded-For) to the client's address. */
export function clientAddressResolver(trust: TrustProxy): (peer: string, forwardedFor: string | undefined) => string {
  if (trust.mode === 'off') return (peer) => normalizeAddress(peer);
  const entries = (forwardedFor: string | undefined) => (forwardedFor ?? '').split(',').map(normalizeAddress).filter(Boolean);
  if (trust.mode === 'hops') {
    return (peer, forwardedFor) => {
      const chain = entries(forwardedFor);
      if (chain.length === 0) return normalizeAddress(peer);
      return chain[Math.max(0, chain.length - trust.hops)]!;
    };
  }
  const list = trustedProxies(trust.addresses);
  const trusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  return (rawPeer, forwardedFor) => {
    const peer = normalizeAddress(rawPeer);
    if (!trusted(peer)) return peer;
    const chain = entries(forwardedFor);
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      if (!trusted(chain[i]!)) return chain[i]!;
    }
    return chain[0] ?? peer;
  };
}

/**
 * Makes ctx.ip (ctx.request.ip) of every context `app` creates the client's
 * address under `trust`, through Koa's documented app.request prototype.
 */
export function resolveClientAddress(app: Koa, trust: TrustProxy): void {
  const resolve = clientAddressResolver(trust);
  type Request = Koa.Request & { [MEMO]?: string };
  app.proxy = false;
  Object.defineProperty(app.request, 'ip', {
    configurable: true,
    get(this: Request) {
      this[MEMO] ??= resolve(this.req.socket?.remoteAddress ?? '', this.get('X-Forwarded-For') || undefined);
      return this[MEMO];
    },
    set(this: Request, value: string) {
      this[MEMO] = value;
    },
  });
}
