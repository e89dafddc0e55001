/**
 * ENS on its chain, through ethers (our only chain library): an address's
 * primary name, verified both ways, and the name's text records.
 *
 *   1. Reverse (ENSIP-3): the registry's resolver for
 *      `<address, lowercase hex>.addr.reverse`, then that resolver's `name()`.
 *   2. The name must be normalised (ENSIP-15, ethers' `ensNormalize`): a
 *      reverse record that is not exactly its own normalised form is refused,
 *      not normalised for it. Primary names are set normalised; one that is
 *      not could pass for another name (case, width or confusable forms).
 *   3. Forward (ENSIP-1, ENSIP-10): the name's resolver, found by walking up
 *      from the name to its parents; a resolver found on a parent must be an
 *      extended resolver (ENSIP-10) to answer for the name. An extended
 *      resolver is always asked through `resolve(dnsName, data)`, any other
 *      directly. Its `addr()` must be the address: otherwise anyone could
 *      claim any name in their reverse record.
 *
 * A revert or an undecodable answer is the contract's verdict (no record);
 * anything else (no answer, an HTTP or JSON-RPC error) is EnsUnavailableError.
 * Offchain lookups (EIP-3668, CCIP-read) are never followed: they would make
 * the server fetch URLs a contract names, outside the SSRF guard; a resolver
 * that needs one counts as having no record. The RPC URL never appears in an
 * error (it may hold an API key): only its label.
 */
import {
  Contract,
  dnsEncode,
  ensNormalize,
  FetchRequest,
  getAddress,
  Interface,
  isError,
  JsonRpcProvider,
  namehash,
  Network,
  ZeroAddress,
} from 'ethers';
import type { RpcCallResult, RpcObserver } from '../chain/chain-rpc.js';
import { rpcLabel } from '../config/rpc.js';
import { secondsSince } from '../metrics/elapsed.js';
import { ERC721_ABI, ERC1155_ABI, EXTENDED_RESOLVER_INTERFACE, REGISTRY_ABI, RESOLVER_ABI } from './ens-contracts.js';

/** The ENS RPC did not answer (in time, or at all): nothing is known, nothing is cached. */
export class EnsUnavailableError extends Error {
  constructor(label: string, reason: string) {
    super(`the ENS RPC (${label}) ${reason}`);
    this.name = 'EnsUnavailableError';
  }
}

/** A name's resolver, as found by ENSIP-10's walk. */
export interface NameResolver {
  name: string;
  node: string;
  contract: Contract;
  /** ENSIP-10 `resolve()` is supported, and so used. */
  extended: boolean;
}

/** Labels walked up at most when looking for a name's resolver. */
const MAX_DEPTH = 16;
// Parsed once: a Contract given a human-readable ABI parses it again on every lookup step.
const resolverInterface = new Interface(RESOLVER_ABI);
const erc721Interface = new Interface(ERC721_ABI);
const erc1155Interface = new Interface(ERC1155_ABI);

export class EnsChain {
  readonly label: string;
  readonly #provider: JsonRpcProvider;
  readonly #registry: Contract;
  readonly #observe: RpcObserver | undefined;
  #chainId: Promise<bigint> | undefined;

  /** `observe`: told of every call, as chain `ens` (the metrics' siwe_idp_rpc_calls_total, with METRICS_PORT). */
  constructor(rpcUrl: string, registry: string, timeoutMs: number, observe?: RpcObserver) {
    this.label = rpcLabel(rpcUrl);
    this.#observe = observe;
    const request = new FetchRequest(rpcUrl);
    request.timeout = timeoutMs;
    // The chain is whatever the endpoint serves (mainnet in production): eth_call needs no chain id.
    const network = new Network('ens', 1n);
    this.#provider = new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
    this.#provider.disableCcipRead = true;
    this.#registry = new Contract(registry, REGISTRY_ABI, this.#provider);
  }

  /** The address's primary name and its resolver, when reverse and forward resolution agree; else undefined. */
  async primaryName(address: string): Promise<NameResolver | undefined> {
    const checksummed = getAddress(address);
    const reverseNode = namehash(`${checksummed.slice(2).toLowerCase()}.addr.reverse`);
    const reverseResolver = await this.#resolverAt(reverseNode);
    if (!reverseResolver) return undefined;
    const name = await this.#read<string>(
      new Contract(reverseResolver, resolverInterface, this.#provider).getFunction('name')(reverseNode),
    );
    if (typeof name !== 'string' || name === '' || !isNormalised(name)) return undefined;
    const resolver = await this.resolverOf(name);
    if (!resolver) return undefined;
    const forward = await this.#record(resolver, 'addr', []);
    if (typeof forward !== 'string' || forward === ZeroAddress || getAddress(forward) !== checksummed) return undefined;
    return resolver;
  }

  /** The name's resolver (ENSIP-10: the nearest one up the tree, which must be extended unless it is the name's own). */
  async resolverOf(name: string): Promise<NameResolver | undefined> {
    const labels = name.split('.');
    for (let depth = 0; depth < labels.length && depth < MAX_DEPTH; depth++) {
      const found = await this.#resolverAt(namehash(labels.slice(depth).join('.')));
      if (!found) continue;
      const contract = new Contract(found, resolverInterface, this.#provider);
      const extended = (await this.#read<boolean>(contract.getFunction('supportsInterface')(EXTENDED_RESOLVER_INTERFACE))) === true;
      if (depth > 0 && !extended) return undefined;
      return { name, node: namehash(name), contract, extended };
    }
    return undefined;
  }

  /** A text record (EIP-634) of the name, or undefined. */
  async text(resolver: NameResolver, key: string): Promise<string | undefined> {
    const value = await this.#record(resolver, 'text', [key]);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** The chain id the endpoint serves (asked once): NFT avatars name their chain. */
  chainId(): Promise<bigint> {
    if (this.#chainId === undefined) {
      const asked = this.#call(
        this.#provider.send('eth_chainId', []).then((id: string) => BigInt(id)),
        'eth_chainId',
      );
      // A failure is not kept: the next lookup asks again.
      asked.catch(() => {
        if (this.#chainId === asked) this.#chainId = undefined;
      });
      this.#chainId = asked;
    }
    return this.#chainId;
  }

  /** ERC-721: the token's owner and metadata URI; ERC-1155: the account's balance and the metadata URI. */
  async nft(
    standard: 'erc721' | 'erc1155',
    contract: string,
    tokenId: bigint,
    account: string,
  ): Promise<{ holds: boolean; uri: string | undefined }> {
    if (standard === 'erc721') {
      const token = new Contract(contract, erc721Interface, this.#provider);
      const [owner, uri] = await Promise.all([
        this.#read<string>(token.getFunction('ownerOf')(tokenId)),
        this.#read<string>(token.getFunction('tokenURI')(tokenId)),
      ]);
      return { holds: typeof owner === 'string' && getAddress(owner) === getAddress(account), uri };
    }
    const token = new Contract(contract, erc1155Interface, this.#provider);
    const [balance, uri] = await Promise.all([
      this.#read<bigint>(token.getFunction('balanceOf')(account, tokenId)),
      this.#read<string>(token.getFunction('uri')(tokenId)),
    ]);
    return { holds: typeof balance === 'bigint' && balance > 0n, uri };
  }

  destroy(): void {
    this.#provider.destroy();
  }

  async #resolverAt(node: string): Promise<string | undefined> {
    const address = await this.#read<string>(this.#registry.getFunction('resolver')(node));
    return typeof address === 'string' && address !== ZeroAddress ? address : undefined;
  }

  /** A record through the resolver: `resolve(dnsName, call)` for an extended resolver, the call itself otherwise. */
  async #record(resolver: NameResolver, fragment: 'addr' | 'text', args: unknown[]): Promise<unknown> {
    if (!resolver.extended) {
      const result = await this.#read<unknown>(resolver.contract.getFunction(fragment)(resolver.node, ...args));
      return result;
    }
    const data = resolverInterface.encodeFunctionData(fragment, [resolver.node, ...args]);
    const answer = await this.#read<string>(resolver.contract.getFunction('resolve')(dnsEncode(resolver.name, 255), data));
    if (typeof answer !== 'string') return undefined;
    try {
      return resolverInterface.decodeFunctionResult(fragment, answer)[0];
    } catch {
      return undefined;
    }
  }

  /** A view call: its value, undefined for the contract's "no" (a revert, no code, bad data), EnsUnavailableError otherwise. */
  async #read<T>(call: Promise<unknown>): Promise<T | undefined> {
    try {
      return (await this.#call(call)) as T;
    } catch (error) {
      if (error instanceof EnsUnavailableError) throw error;
      return undefined;
    }
  }

  async #call<T>(call: Promise<T>, method = 'eth_call'): Promise<T> {
    const start = this.#observe ? performance.now() : 0;
    let result: RpcCallResult = 'error';
    try {
      const answer = await call;
      result = 'ok';
      return answer;
    } catch (error) {
      if (isError(error, 'CALL_EXCEPTION') || isError(error, 'BAD_DATA')) {
        result = 'reverted';
        throw error;
      }
      const code = (error as { code?: string }).code;
      if (code === 'TIMEOUT') result = 'timeout';
      // ethers' messages can quote the request URL: keep only its error code.
      throw new EnsUnavailableError(this.label, `failed (${code ?? 'no answer'})`);
    } finally {
      this.#observe?.('ens', method, result, secondsSince(start));
    }
  }
}

/** True when the name is its own ENSIP-15 normalised form. */
export function isNormalised(name: string): boolean {
  try {
    return ensNormalize(name) === name;
  } catch {
    return false;
  }
}
