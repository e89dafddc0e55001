/**
 * ENS, ENS_RPC_URL, ENS_REGISTRY, ENS_TIMEOUT and ENS_CACHE_TTL: where the
 * primary ENS names (and avatars) of signing addresses are looked up for the
 * `profile` scope (see ens/). The lookups are never required for a login, so
 * ENS has no way to stop a start other than a malformed setting:
 *
 *   - ENS=off turns every lookup off (and the other settings are not read);
 *   - without ENS_RPC_URL the chain-1 entry of RPC_URLS is used; with neither,
 *     ENS is off, and the start says so (settings.ts's deployment warnings);
 *   - ENS_REGISTRY defaults to the ENS registry on Ethereum mainnet (the same
 *     address on its testnets); a test or a private deployment names its own.
 *
 * An RPC URL often carries an API key: it never appears in a message
 * (config/rpc.ts's rpcLabel), and ENS_RPC_URL may be read from ENS_RPC_URL_FILE.
 */
import { isHexAddress, toChecksumAddress } from '../siwe/address.js';
import { parseDuration } from './lifetimes.js';
import { optional, parseChoice } from './values.js';

/** The ENS registry (ENSRegistryWithFallback) on Ethereum mainnet, Sepolia and Holesky. */
export const MAINNET_ENS_REGISTRY = '0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e';
export const DEFAULT_ENS_TIMEOUT_MS = 2000;
export const DEFAULT_ENS_CACHE_TTL_S = 3600;
const MAX_ENS_CACHE_TTL_S = 30 * 86400;

export interface EnsConfig {
  /** The JSON-RPC endpoint of the chain the registry is on. Never log it: rpcLabel(). */
  rpcUrl: string;
  /** Where it came from, for messages: `ENS_RPC_URL` or `RPC_URLS` (chain 1). */
  rpcSource: 'ENS_RPC_URL' | 'RPC_URLS';
  /** The registry's address (EIP-55). */
  registry: string;
  /** Milliseconds one whole lookup (reverse, forward, avatar) may take. */
  timeoutMs: number;
  /** Seconds a lookup's result, found or not, is kept in the shared store. */
  cacheTtl: number;
}

/** Why ENS is off, when it is: `ENS=off`, or no RPC for it. */
export type EnsOff = { off: 'setting' | 'no-rpc' };

function parseRpcUrl(raw: string, problems: string[]): string | undefined {
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    problems.push('ENS_RPC_URL is not a valid URL');
    return undefined;
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    problems.push(`ENS_RPC_URL must be http(s), got ${protocol}`);
    return undefined;
  }
  return raw;
}

/** The ENS settings of `env`; `rpcUrls` is RPC_URLS, already read (its chain-1 URL is the default endpoint). */
export function parseEns(env: NodeJS.ProcessEnv, rpcUrls: ReadonlyMap<number, string>, problems: string[]): EnsConfig | EnsOff {
  if (parseChoice('ENS', env.ENS, ['on', 'off'], 'on', problems) === 'off') return { off: 'setting' };
  const given = optional(env.ENS_RPC_URL);
  const rpcUrl = given === undefined ? rpcUrls.get(1) : parseRpcUrl(given, problems);

  const rawRegistry = optional(env.ENS_REGISTRY) ?? MAINNET_ENS_REGISTRY;
  let registry = MAINNET_ENS_REGISTRY;
  if (!isHexAddress(rawRegistry) || /^0x0{40}$/.test(rawRegistry)) {
    problems.push(`ENS_REGISTRY must be the registry's address, 0x followed by 40 hexadecimal digits, got "${rawRegistry}"`);
  } else {
    registry = toChecksumAddress(rawRegistry);
  }

  const rawTimeout = optional(env.ENS_TIMEOUT) ?? String(DEFAULT_ENS_TIMEOUT_MS);
  let timeoutMs = DEFAULT_ENS_TIMEOUT_MS;
  if (!/^\d+$/.test(rawTimeout) || Number(rawTimeout) < 100 || Number(rawTimeout) > 60_000) {
    problems.push(`ENS_TIMEOUT must be a whole number of milliseconds from 100 to 60000, got "${rawTimeout}"`);
  } else {
    timeoutMs = Number(rawTimeout);
  }

  const rawTtl = optional(env.ENS_CACHE_TTL) ?? String(DEFAULT_ENS_CACHE_TTL_S);
  const ttl = parseDuration(rawTtl);
  let cacheTtl = DEFAULT_ENS_CACHE_TTL_S;
  if (ttl === undefined || ttl < 1 || ttl > MAX_ENS_CACHE_TTL_S) {
    problems.push(`ENS_CACHE_TTL must be seconds (or 30m, 1h, 1d) from 1 second to 30 days, got "${rawTtl}"`);
  } else {
    cacheTtl = ttl;
  }

  if (rpcUrl === undefined) return { off: 'no-rpc' };
  return { rpcUrl, rpcSource: given === undefined ? 'RPC_URLS' : 'ENS_RPC_URL', registry, timeoutMs, cacheTtl };
}

/** ENS lookups are on. */
export function ensOn(ens: EnsConfig | EnsOff): ens is EnsConfig {
  return !('off' in ens);
}
