/**
 * The Prometheus metrics (METRICS_PORT; see metrics/server.ts and the
 * README's "Metrics and alerts"): one prom-client Registry of our own (never
 * prom-client's global one), created at start only when METRICS_PORT is set.
 * Without it nothing here is loaded: main.ts imports this module on demand,
 * and the code paths that count (audit.ts, rate-limiter.ts, chain-rpc.ts)
 * hold an optional Metrics and do nothing but a null check.
 *
 * Every label has a bounded set of values: route names, never raw paths (an
 * interaction's uid would make a series per sign-in), error codes the code
 * defines, limit names, chain ids from CHAIN_IDS, store operation names.
 * Anything outside a known set is labelled `other`.
 *
 *   siwe_idp_logins_total{outcome,error,wallet_type}
 *   siwe_idp_http_request_duration_seconds{route,method,status_class}
 *   siwe_idp_oidc_events_total{event}
 *   siwe_idp_oidc_errors_total{event,error}
 *   siwe_idp_tokens_issued_total{type}
 *   siwe_idp_token_requests_total{grant_type,result}
 *   siwe_idp_store_operations_total{operation,result}
 *   siwe_idp_store_operation_duration_seconds{operation}
 *   siwe_idp_memory_store_full
 *   siwe_idp_rpc_calls_total{chain_id,method,result} (chain_id: a CHAIN_IDS id, or `ens`)
 *   siwe_idp_rpc_call_duration_seconds{chain_id,method}
 *   siwe_idp_rate_limited_total{limit}
 *   siwe_idp_process_*, siwe_idp_nodejs_*: prom-client's default process metrics
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { RpcCallResult } from '../chain/chain-rpc.js';
import { LIMIT_NAMES } from '../config/rate-limits.js';
import { secondsSince } from './elapsed.js';
import { type CounterSeries, FastCounter, FastHistogram, type HistogramSeries } from './series.js';

declare module 'koa' {
  interface DefaultContext {
    /** The metrics, when METRICS_PORT is set (app.ts puts them on the application's context); undefined otherwise. */
    metrics?: Metrics;
  }
}

const METRIC_PREFIX = 'siwe_idp_';

/** How a wallet proved a successful sign-in (the audit event's `wallet_type`). */
const WALLET_TYPES = ['eoa', 'eip1271', 'eip6492'] as const;

/** An error code as a label: the codes we and oidc-provider define are snake_case words; anything else is `other`. */
const CODE = /^[a-z][a-z0-9_]{0,63}$/;

export function codeLabel(code: unknown): string {
  return typeof code === 'string' && CODE.test(code) ? code : 'other';
}

/** Store and rate-limit calls: well under a millisecond in memory, a round trip on Redis, bounded by its 1 s timeout. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Chain calls: bounded by RPC_TIMEOUT (up to 60 s). */
const RPC_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Requests: a page or a token in milliseconds, a contract-wallet sign-in up to RPC_TIMEOUT. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One store operation's counts (`ok`: it answered, a miss included; `error`: it rejected) and times. */
export class StoreSeries {
  constructor(
    private readonly ok: CounterSeries,
    private readonly error: CounterSeries,
    private readonly duration: HistogramSeries,
  ) {}

  /** `run`, counted and timed. */
  time<T>(run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    return run().then(
      (result) => {
        this.ok.inc();
        this.duration.observe(secondsSince(start));
        return result;
      },
      (error: unknown) => {
        this.error.inc();
        this.duration.observe(secondsSince(start));
        throw error;
      },
    );
  }
}

export class Metrics {
  readonly registry = new Registry();

  readonly logins: FastCounter<'outcome' | 'error' | 'wallet_type'>;
  readonly httpDuration: FastHistogram<'route' | 'method' | 'status_class'>;
  readonly oidcEvents: FastCounter<'event'>;
  readonly oidcErrors: FastCounter<'event' | 'error'>;
  readonly tokensIssued: FastCounter<'type'>;
  readonly tokenRequests: FastCounter<'grant_type' | 'result'>;
  readonly storeOperations: FastCounter<'operation' | 'result'>;
  readonly storeDuration: FastHistogram<'operation'>;
  readonly rpcCalls: FastCounter<'chain_id' | 'method' | 'result'>;
  readonly rpcDuration: FastHistogram<'chain_id' | 'method'>;
  readonly rateLimited: FastCounter<'limit'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    this.logins = new FastCounter({
      name: `${METRIC_PREFIX}logins_total`,
      help: 'Sign-in attempts (POST /interaction/:uid/login) by outcome (success, failure), error code and wallet type',
      labelNames: ['outcome', 'error', 'wallet_type'],
      registers,
    });
    this.httpDuration = new FastHistogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time to answer a request, by route name (never the path), method and status class',
      labelNames: ['route', 'method', 'status_class'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.oidcEvents = new FastCounter({
      name: `${METRIC_PREFIX}oidc_events_total`,
      help: "oidc-provider's events (authorization.success, grant.success, grant.error, server_error, ...)",
      labelNames: ['event'],
      registers,
    });
    this.oidcErrors = new FastCounter({
      name: `${METRIC_PREFIX}oidc_errors_total`,
      help: "oidc-provider's error events by the OAuth error code answered",
      labelNames: ['event', 'error'],
      registers,
    });
    this.tokensIssued = new FastCounter({
      name: `${METRIC_PREFIX}tokens_issued_total`,
      help: 'Tokens and codes issued, by type (access_token, id_token, refresh_token, authorization_code, ...)',
      labelNames: ['type'],
      registers,
    });
    this.tokenRequests = new FastCounter({
      name: `${METRIC_PREFIX}token_requests_total`,
      help: 'Token endpoint grants by grant type and result (success, or the OAuth error code)',
      labelNames: ['grant_type', 'result'],
      registers,
    });
    this.storeOperations = new FastCounter({
      name: `${METRIC_PREFIX}store_operations_total`,
      help: 'Calls to the store (memory or Redis) by operation and result (ok, error: the store did not answer)',
      labelNames: ['operation', 'result'],
      registers,
    });
    this.storeDuration = new FastHistogram({
      name: `${METRIC_PREFIX}store_operation_duration_seconds`,
      help: 'Time one store call took, by operation',
      labelNames: ['operation'],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.rpcCalls = new FastCounter({
      name: `${METRIC_PREFIX}rpc_calls_total`,
      help: 'JSON-RPC calls to a chain (contract wallets, RPC_URLS) by result: ok, reverted (a verdict), timeout, error',
      labelNames: ['chain_id', 'method', 'result'],
      registers,
    });
    this.rpcDuration = new FastHistogram({
      name: `${METRIC_PREFIX}rpc_call_duration_seconds`,
      help: 'Time one JSON-RPC call took, by chain and method',
      labelNames: ['chain_id', 'method'],
      buckets: RPC_BUCKETS,
      registers,
    });
    this.rateLimited = new FastCounter({
      name: `${METRIC_PREFIX}rate_limited_total`,
      help: 'Requests refused with 429 by an abuse limit (RATE_LIMITS), by limit name',
      labelNames: ['limit'],
      registers,
    });
    // Series that exist from the start, at 0, so rate() and increase() see their first increments.
    for (const limit of LIMIT_NAMES) this.rateLimited.labels(limit).inc(0);
    for (const walletType of WALLET_TYPES) this.logins.labels('success', '', walletType).inc(0);
  }

  /** One sign-in attempt: `outcome` is the audit event's (success, or the error code answered). */
  login(outcome: string, walletType: string | null): void {
    if (outcome === 'success') this.logins.labels('success', '', walletType ?? 'other').inc();
    else this.logins.labels('failure', codeLabel(outcome), '').inc();
  }

  /** One request refused by the limit `limit` (429). */
  limited(limit: string): void {
    this.rateLimited.labels(limit).inc();
  }

  /**
   * The series of the store operation `operation`: its callers look it up once and keep it
   * (metrics/instrumented-store.ts; `rate_limit` in web/rate-limiter.ts).
   */
  storeSeries(operation: string): StoreSeries {
    return new StoreSeries(
      this.storeOperations.labels(operation, 'ok'),
      this.storeOperations.labels(operation, 'error'),
      this.storeDuration.labels(operation),
    );
  }

  /** One answered request (`route` a name, never a path: the label sets are few). */
  httpRequest(route: string, method: string, statusClass: string, seconds: number): void {
    this.httpDuration.labels(route, method, statusClass).observe(seconds);
  }

  /** One JSON-RPC call, to a chain of CHAIN_IDS or to the ENS RPC (`ens`). */
  rpcCall(chainId: number | 'ens', method: string, result: RpcCallResult, seconds: number): void {
    const chain = String(chainId);
    this.rpcCalls.labels(chain, method, result).inc();
    this.rpcDuration.labels(chain, method).observe(seconds);
  }

  /**
   * `siwe_idp_memory_store_full`: 1 while the in-memory store is at its cap
   * (MEMORY_STORE_MAX_ENTRIES; new sign-ins are refused), read at each scrape.
   */
  watchMemoryStore(full: () => boolean): void {
    new Gauge({
      name: `${METRIC_PREFIX}memory_store_full`,
      help: 'In-memory store only: 1 while it is at its cap (MEMORY_STORE_MAX_ENTRIES) and refuses new sign-ins',
      registers: [this.registry],
      collect() {
        this.set(full() ? 1 : 0);
      },
    });
  }

  /** The text exposition format (what GET /metrics answers) and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
