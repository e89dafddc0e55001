/**
 * A name's `avatar` text record (ENSIP-12) as the `picture` claim: an https
 * URL of an image, or nothing.
 *
 *   - `https://…` is the picture as it is.
 *   - `eip155:<chain>/erc721:<contract>/<token>` and `…/erc1155:…` name an
 *     NFT: on the chain ENS is on only, held by the name's address (ERC-721
 *     `ownerOf`, ERC-1155 `balanceOf`), its metadata read from `tokenURI`/`uri`
 *     (an https URL fetched through the provider's SSRF-guarded outbound fetch,
 *     or an inline `data:application/json` URI), and the metadata's `image`
 *     taken when it is itself an https URL.
 *   - Anything else (http:, ipfs:, data: images, other chains) is left out:
 *     serving it would need a gateway or a fetch we do not make.
 *
 * The picture is a URL the relying party may show; our own login page shows
 * the image through ens/avatar-images.ts, never from the other origin.
 */
import { readCappedBody } from '../web/capped-body.js';
import type { EnsChain } from './ens-chain.js';

/** The provider's guarded fetch (oidc/outbound-fetch.ts). */
export type GuardedFetch = (url: string, init: RequestInit) => Promise<Response>;

const MAX_METADATA_BYTES = 64 * 1024;
const NFT_AVATAR = /^eip155:(\d{1,20})\/(erc721|erc1155):(0x[0-9a-fA-F]{40})\/(\d{1,78})$/i;

/** An absolute https: URL without credentials, or undefined. */
export function httpsUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export interface AvatarContext {
  chain: EnsChain;
  fetch: GuardedFetch;
  /** The address the name resolves to: an NFT avatar must be held by it. */
  address: string;
  /** When the lookup's ENS_TIMEOUT runs out. */
  signal: AbortSignal;
}

/** The picture for an avatar record, or undefined. Throws only when the chain does not answer (EnsUnavailableError). */
export async function pictureOf(record: string | undefined, context: AvatarContext): Promise<string | undefined> {
  if (record === undefined) return undefined;
  const direct = httpsUrl(record);
  if (direct) return direct;
  const nft = NFT_AVATAR.exec(record.trim());
  if (!nft) return undefined;
  const [, chainId, standard, contract, tokenId] = nft;
  if (BigInt(chainId!) !== (await context.chain.chainId())) return undefined;
  const id = BigInt(tokenId!);
  const token = await context.chain.nft(standard!.toLowerCase() as 'erc721' | 'erc1155', contract!, id, context.address);
  if (!token.holds || !token.uri) return undefined;
  // ERC-1155's metadata URI: `{id}` is the token id as 64 lowercase hex digits.
  const uri = standard!.toLowerCase() === 'erc1155' ? token.uri.replaceAll('{id}', id.toString(16).padStart(64, '0')) : token.uri;
  const metadata = await readMetadata(uri, context);
  const image = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).image : undefined;
  return httpsUrl(image ?? (metadata as Record<string, unknown> | undefined)?.image_url);
}

/** The NFT's metadata JSON: inline (data:application/json), or fetched from https through the guard; undefined otherwise. */
async function readMetadata(uri: string, { fetch, signal }: AvatarContext): Promise<unknown> {
  const inline = /^data:application\/json(;charset=utf-8)?(;base64)?,(.*)$/is.exec(uri);
  if (inline) {
    try {
      const text = inline[2] ? Buffer.from(inline[3]!, 'base64').toString('utf8') : decodeURIComponent(inline[3]!);
      return text.length > MAX_METADATA_BYTES ? undefined : JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const url = httpsUrl(uri);
  if (!url) return undefined;
  try {
    const response = await fetch(url, { redirect: 'error', signal, headers: { accept: 'application/json' } });
    if (!response.ok) return undefined;
    const body = await readCappedBody(response, MAX_METADATA_BYTES, () => new RangeError(`larger than ${MAX_METADATA_BYTES} bytes`));
    return JSON.parse(body.toString('utf8'));
  } catch {
    // Refused by the guard, unreachable, too slow or not JSON: no picture.
    return undefined;
  }
}
