/**
 * RPC_URLS and RPC_TIMEOUT: the JSON-RPC endpoint of each chain that may
 * verify contract-wallet signatures (ERC-1271, ERC-6492), and the bound on one
 * verification's chain calls. A chain of CHAIN_IDS without a URL accepts
 * externally owned accounts only; the EOA path never touches the network.
 *
 * RPC URLs often carry an API key in their path or query, so they never
 * appear in a message: rpcLabel() shows scheme, host and port only.
 */
import { optional } from './values.js';

export const DEFAULT_RPC_TIMEOUT_MS = 3000;

/** `https://eth.example/v2/KEY?x=y` → `https://eth.example` (credentials, path and query hidden). */
export function rpcLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** `1=https://eth.example,8453=https://base.example` → chain id → URL. */
export function parseRpcUrls(raw: string | undefined, chainIds: readonly number[], problems: string[]): Map<number, string> {
  const urls = new Map<number, string>();
  const value = optional(raw);
  if (value === undefined) return urls;
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const equals = entry.indexOf('=');
    const id = equals > 0 ? entry.slice(0, equals).trim() : '';
    const url = equals > 0 ? entry.slice(equals + 1).trim() : '';
    if (!/^[1-9]\d{0,15}$/.test(id) || url === '') {
      problems.push(
        `RPC_URLS entries must look like <chainId>=<url>, e.g. "1=https://eth.example,8453=https://base.example"; got an entry for ${id ? `"${id}"` : 'no chain id'}`,
      );
      continue;
    }
    const chainId = Number(id);
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      problems.push(`RPC_URLS: the URL for chain ${chainId} is not a valid URL`);
      continue;
    }
    if (protocol !== 'https:' && protocol !== 'http:') {
      problems.push(`RPC_URLS: the URL for chain ${chainId} must be http(s), got ${protocol}`);
      continue;
    }
    if (!chainIds.includes(chainId)) {
      problems.push(`RPC_URLS names chain ${chainId}, which is not in CHAIN_IDS (${chainIds.join(', ')}): add it there, or remove its URL`);
      continue;
    }
    if (urls.has(chainId)) {
      problems.push(`RPC_URLS names chain ${chainId} twice`);
      continue;
    }
    urls.set(chainId, url);
  }
  return urls;
}
