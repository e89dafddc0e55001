/**
 * One chain's JSON-RPC endpoint, through ethers (our only chain library):
 * read-only calls, each bounded by RPC_TIMEOUT, with every failure sorted
 * into one of two kinds. A revert (or an answer that is not what a call
 * returns) is the contract's verdict; anything else (no answer in time, an
 * HTTP or JSON-RPC error, a refused connection) is an outage, and nobody
 * signs in on what cannot be checked. Never a transaction, never a deployment.
 *
 * The URL never leaves this module: messages and /readyz name the endpoint by
 * its label (scheme, host, port), since paths and queries often hold API keys.
 */
import { FetchRequest, JsonRpcProvider, Network } from 'ethers';
import { rpcLabel } from '../config/rpc.js';
import { secondsSince } from '../metrics/elapsed.js';

/** The endpoint could not answer: the caller fails closed (503 chain_unavailable). */
export class ChainUnavailableError extends Error {
  constructor(
    readonly chainId: number,
    readonly label: string,
    reason: string,
  ) {
    super(`the RPC of chain ${chainId} (${label}) ${reason}`);
    this.name = 'ChainUnavailableError';
  }
}

/** The call reverted, or answered with no data: a verdict, not an outage. */
export class CallRejectedError extends Error {
  constructor() {
    super('the call reverted');
    this.name = 'CallRejectedError';
  }
}

export type RpcState = 'unknown' | 'ok' | 'unavailable';

/** How one call ended: answered, reverted (the contract's verdict), no answer within the timeout, or another failure. */
export type RpcCallResult = 'ok' | 'reverted' | 'timeout' | 'error';

/**
 * Told of every call (the metrics, with METRICS_PORT): its chain (a CHAIN_IDS id, or `ens` for the ENS RPC,
 * ens/ens-chain.ts), JSON-RPC method, result and duration.
 */
export type RpcObserver = (chain: number | 'ens', method: string, result: RpcCallResult, seconds: number) => void;

export interface CallRequest {
  to?: string;
  data: string;
}

/** ethers' error codes that mean "the chain answered, and said no". */
const VERDICTS = new Set(['CALL_EXCEPTION', 'BAD_DATA']);

export class ChainRpc {
  readonly chainId: number;
  readonly label: string;
  readonly timeoutMs: number;
  readonly #provider: JsonRpcProvider;
  readonly #observe: RpcObserver | undefined;
  #state: RpcState = 'unknown';
  #since = Date.now();

  constructor(chainId: number, url: string, timeoutMs: number, observe?: RpcObserver) {
    this.chainId = chainId;
    this.#observe = observe;
    this.label = rpcLabel(url);
    this.timeoutMs = timeoutMs;
    const request = new FetchRequest(url);
    request.timeout = timeoutMs;
    const network = Network.from(chainId);
    // staticNetwork: no eth_chainId before each call; cacheTimeout -1: every call is a real call.
    this.#provider = new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
  }

  /** The last observed state of the endpoint, for /readyz. */
  get status(): { state: RpcState; since: string } {
    return { state: this.#state, since: new Date(this.#since).toISOString() };
  }

  /** eth_call at the latest block; CallRejectedError on a revert, ChainUnavailableError on an outage. */
  async call(request: CallRequest): Promise<string> {
    return this.#bounded('eth_call', async () => {
      try {
        return await this.#provider.call(request);
      } catch (error) {
        if (VERDICTS.has((error as { code?: string }).code ?? '')) throw new CallRejectedError();
        throw error;
      }
    });
  }

  /** eth_chainId, as the endpoint reports it. */
  async reportedChainId(): Promise<number> {
    return this.#bounded('eth_chainId', async () => Number(await this.#provider.send('eth_chainId', [])));
  }

  destroy(): void {
    this.#provider.destroy();
  }

  async #bounded<T>(method: string, run: () => Promise<T>): Promise<T> {
    const start = this.#observe ? performance.now() : 0;
    let result: RpcCallResult = 'error';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        result = 'timeout';
        reject(new ChainUnavailableError(this.chainId, this.label, `did not answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      const answer = await Promise.race([run(), timeout]);
      result = 'ok';
      this.#setState('ok');
      return answer;
    } catch (error) {
      if (error instanceof CallRejectedError) {
        result = 'reverted';
        this.#setState('ok');
        throw error;
      }
      this.#setState('unavailable');
      // ethers' own request timeout (the same RPC_TIMEOUT) may come first.
      if ((error as { code?: string }).code === 'TIMEOUT') result = 'timeout';
      if (error instanceof ChainUnavailableError) throw error;
      // ethers' messages can quote the request URL: keep only its error code.
      throw new ChainUnavailableError(this.chainId, this.label, `failed (${(error as { code?: string }).code ?? 'no answer'})`);
    } finally {
      clearTimeout(timer);
      this.#observe?.(this.chainId, method, result, secondsSince(start));
    }
  }

  #setState(state: RpcState): void {
    if (state !== this.#state) this.#since = Date.now();
    this.#state = state;
  }
}
