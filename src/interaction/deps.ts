import type Provider from 'oidc-provider';
import type { Config } from '../config/env.js';
import type { GateReader } from '../gates/evaluate-gates.js';
import type { EnsProfiles } from '../ens/ens-profiles.js';
import type { ContractWallets } from '../siwe/checks/pipeline.js';
import type { Store } from '../storage/store.js';
import type { ClientLogos } from '../web/client-logos.js';
import type { RateLimiter } from '../web/rate-limiter.js';

/** What the interaction handlers work with. */
export interface InteractionDeps {
  provider: Provider;
  store: Store;
  config: Config;
  /** Key of the per-interaction SIWE nonce (see challenge.ts). */
  nonceKey: Buffer;
  /** The static clients' logos, served from our origin. */
  logos: ClientLogos;
  /**
   * Chains with an RPC: contract-wallet signatures and token gates are read there; undefined when RPC_URLS is
   * empty (EOAs only, and no client can have gates).
   */
  chains?: (ContractWallets & GateReader) | undefined;
  /** The abuse limits' counters: login counts failed sign-ins per Ethereum address (failed-logins.ts). */
  rateLimiter?: RateLimiter | undefined;
  /** ENS lookups for the `profile` scope and the page's name (ens/); undefined when ENS is off. */
  ens?: EnsProfiles | undefined;
}
