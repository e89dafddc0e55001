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
  #state: RpcState = 'unknown';
  #since = Date.now();

  constructor(chainId: number, url: string, timeoutMs: number) {
    this.chainId = chainId;
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
    return this.#bounded(async () => {
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
    return this.#bounded(async () => Number(await this.#provider.send('eth_chainId', [])));
  }

  destroy(): void {
    this.#provider.destroy();
  }

  async #bounded<T>(run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new ChainUnavailableError(this.chainId, this.label, `did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      const result = await Promise.race([run(), timeout]);
      this.#observe('ok');
      return result;
    } catch (error) {
      if (error instanceof CallRejectedError) {
        this.#observe('ok');
        throw error;
      }
      this.#observe('unavailable');
      if (error instanceof ChainUnavailableError) throw error;
      // ethers' messages can quote the request URL: keep only its error code.
      throw new ChainUnavailableError(this.chainId, this.label, `failed (${(error as { code?: string }).code ?? 'no answer'})`);
    } finally {
      clearTimeout(timer);
    }
  }

  #observe(state: RpcState): void {
    if (state !== this.#state) this.#since = Date.now();
    this.#state = state;
  }
}
