/**
 * The ENS profile of an address (its verified primary name, and the name's
 * avatar as an https picture), for the `profile` scope and the login page.
 *
 * Never blocking: a lookup takes at most ENS_TIMEOUT, and whatever goes wrong
 * (the RPC down, slow or erroring, the store unreachable) ends in `undefined`,
 * "not known", with one warning logged. The caller then leaves the claims out;
 * no login ever fails for ENS.
 *
 * Cached in the shared store (memory or Redis) for ENS_CACHE_TTL, found or
 * not: `{}` is "this address has no primary name", so a login for an address
 * without one costs no RPC call either. Only lookups that finished in time are
 * cached; a failure is not remembered, and the next login asks the chain again.
 * Lookups of the same address in this process at the same time share one.
 */
import type { RpcObserver } from '../chain/chain-rpc.js';
import type { EnsConfig } from '../config/ens.js';
import { log } from '../log.js';
import type { Store } from '../storage/store.js';
import { AvatarImages } from './avatar-images.js';
import { type GuardedFetch, pictureOf } from './avatar-record.js';
import { EnsChain } from './ens-chain.js';

/** What ENS says of an address: `name` only when reverse and forward resolution agree. `{}`: no name. */
export interface EnsProfile {
  name?: string;
  picture?: string;
}

export class EnsProfiles {
  readonly timeoutMs: number;
  readonly #config: EnsConfig;
  readonly #store: Store;
  readonly #fetch: GuardedFetch;
  readonly #chain: EnsChain;
  readonly #inFlight = new Map<string, Promise<EnsProfile | undefined>>();
  readonly #images: AvatarImages;

  /** `observe`: told of every ENS RPC call (the metrics, as chain `ens`). */
  constructor(config: EnsConfig, store: Store, fetch: GuardedFetch, observe?: RpcObserver) {
    this.#config = config;
    this.#store = store;
    this.#fetch = fetch;
    this.timeoutMs = config.timeoutMs;
    this.#chain = new EnsChain(config.rpcUrl, config.registry, config.timeoutMs, observe);
    this.#images = new AvatarImages(fetch, config.timeoutMs, config.cacheTtl * 1000);
  }

  /** A profile's picture as a data: URL for our own page (avatar-images.ts), or undefined. Never throws. */
  image(picture: string): Promise<string | undefined> {
    return this.#images.get(picture);
  }

  /** Scheme and host of the ENS RPC, for messages. */
  get label(): string {
    return this.#chain.label;
  }

  /** The address's profile (cached, else from the chain within ENS_TIMEOUT); undefined when it cannot be known now. Never throws. */
  lookup(address: string): Promise<EnsProfile | undefined> {
    const key = address.toLowerCase();
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const lookup = this.#lookup(address).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, lookup);
    return lookup;
  }

  close(): void {
    this.#chain.destroy();
  }

  #cacheKey(address: string): string {
    return `ens:profile:${this.#config.registry.toLowerCase()}:${address.toLowerCase()}`;
  }

  async #lookup(address: string): Promise<EnsProfile | undefined> {
    const key = this.#cacheKey(address);
    try {
      const cached = await this.#store.get<EnsProfile>(key);
      if (cached !== undefined) return cached;
    } catch (error) {
      log.warn('ENS profile not cached: the store cannot be read', { address, error: (error as Error).message });
    }
    // One deadline: it cuts the avatar's fetch and ends the race, first (its listener is the first), so an
    // answer cut short by it never wins, and is never cached.
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const timedOut = new Promise<'timeout'>((resolve) => deadline.addEventListener('abort', () => resolve('timeout'), { once: true }));
    const resolution = this.#resolve(address, deadline);
    resolution.catch(() => undefined); // observed below, or abandoned after the deadline
    try {
      const outcome = await Promise.race([resolution, timedOut]);
      if (outcome === 'timeout') {
        log.warn('ENS lookup left out: no answer in time', { address, rpc: this.label, timeout_ms: this.timeoutMs });
        return undefined;
      }
      try {
        await this.#store.set(key, outcome, this.#config.cacheTtl * 1000);
      } catch (error) {
        log.warn('ENS profile not cached: the store cannot be written', { address, error: (error as Error).message });
      }
      return outcome;
    } catch (error) {
      log.warn('ENS lookup left out: the lookup failed', { address, error: (error as Error).message });
      return undefined;
    }
  }

  async #resolve(address: string, signal: AbortSignal): Promise<EnsProfile> {
    const resolver = await this.#chain.primaryName(address);
    if (!resolver) return {};
    const record = await this.#chain.text(resolver, 'avatar');
    const picture = await pictureOf(record, { chain: this.#chain, fetch: this.#fetch, address, signal });
    return picture === undefined ? { name: resolver.name } : { name: resolver.name, picture };
  }
}
