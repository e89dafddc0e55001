/**
 * The chains whose accounts can be contract wallets: one ChainRpc per
 * RPC_URLS entry. At start each endpoint is asked for its chain id: a
 * mismatch stops the start (it would verify signatures against another
 * chain), an endpoint that does not answer gets a loud warning and is tried
 * again at the next contract-wallet sign-in. /readyz shows each one's last
 * observed state; readiness itself depends on the store alone, since an
 * instance without its RPC still signs every EOA in, and taking it out of the
 * load balancer would not bring the RPC back.
 */
import type { GateReader } from '../gates/evaluate-gates.js';
import type { TokenGate } from '../gates/token-gates.js';
import type { ContractWallets } from '../siwe/checks/context.js';
import { ChainRpc, ChainUnavailableError, type RpcObserver } from './chain-rpc.js';
import { verifyContractSignature } from './contract-signature.js';
import { readTokenGates } from './token-balances.js';

export interface ChainProbe {
  /** Endpoints that answered for another chain: the start must stop. */
  problems: string[];
  /** Endpoints that did not answer: contract wallets on them fail closed until they do. */
  warnings: string[];
}

export class Chains implements ContractWallets, GateReader {
  readonly #rpcs = new Map<number, ChainRpc>();

  /** `observe`: told of every RPC call (the metrics, with METRICS_PORT). */
  constructor(rpcUrls: ReadonlyMap<number, string>, timeoutMs: number, observe?: RpcObserver) {
    for (const [chainId, url] of rpcUrls) this.#rpcs.set(chainId, new ChainRpc(chainId, url, timeoutMs, observe));
  }

  has(chainId: number): boolean {
    return this.#rpcs.has(chainId);
  }

  async verify(chainId: number, address: string, message: string, signature: string) {
    const rpc = this.#rpcs.get(chainId);
    if (!rpc) throw new TypeError(`no RPC for chain ${chainId}`);
    try {
      return await verifyContractSignature(rpc, address, message, signature);
    } catch (error) {
      if (!(error instanceof ChainUnavailableError)) throw error;
      return 'unavailable' as const; // the caller refuses with chain_unavailable (503): see ContractWallets
    }
  }

  /** Which of `gates` (all on `chainId`) `owner` meets, in one eth_call; 'unavailable' when the chain cannot answer (see GateReader). */
  async readGates(chainId: number, owner: string, gates: readonly TokenGate[]): Promise<boolean[] | { unavailable: string }> {
    const rpc = this.#rpcs.get(chainId);
    if (!rpc) return { unavailable: `no RPC for chain ${chainId}` };
    try {
      return await readTokenGates(rpc, owner, gates);
    } catch (error) {
      if (!(error instanceof ChainUnavailableError)) throw error;
      return { unavailable: error.message };
    }
  }

  /** Asks every endpoint for its chain id, all at once. */
  async probe(): Promise<ChainProbe> {
    const outcome: ChainProbe = { problems: [], warnings: [] };
    await Promise.all(
      [...this.#rpcs.values()].map(async (rpc) => {
        try {
          const reported = await rpc.reportedChainId();
          if (reported !== rpc.chainId) {
            outcome.problems.push(
              `RPC_URLS: the URL for chain ${rpc.chainId} (${rpc.label}) answers for chain ${reported}: give chain ${rpc.chainId} the URL of that chain`,
            );
          }
        } catch (error) {
          outcome.warnings.push(
            `RPC_URLS: chain ${rpc.chainId}'s RPC (${rpc.label}) did not answer (${(error as Error).message}); contract-wallet sign-ins on chain ${rpc.chainId} fail closed (503) until it does`,
          );
        }
      }),
    );
    return outcome;
  }

  /** Each chain's endpoint (by label) and its last observed state. */
  status(): Record<string, { rpc: string; state: string; since: string }> {
    return Object.fromEntries([...this.#rpcs].map(([chainId, rpc]) => [String(chainId), { rpc: rpc.label, ...rpc.status }]));
  }

  close(): void {
    for (const rpc of this.#rpcs.values()) rpc.destroy();
  }
}
