/**
 * The whole server as one Koa application: oidc-provider (itself a Koa app)
 * with our health checks, page assets and login interaction in front of it.
 */
import type Koa from 'koa';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { RpcObserver } from './chain/chain-rpc.js';
import type { Chains } from './chain/chains.js';
import { ConfigError } from './config/config-error.js';
import type { Config } from './config/env.js';
import { ensOn } from './config/ens.js';
import type { Settings } from './config/settings.js';
import type { EnsProfiles } from './ens/ens-profiles.js';
import { nonceKeyFrom } from './interaction/challenge.js';
import { crossDeviceRoutes } from './cross-device/cross-device-routes.js';
import { WaitingPages } from './cross-device/waiting-pages.js';
import { interactionRoutes } from './interaction/routes.js';
import { log } from './log.js';
import type { Metrics } from './metrics/registry.js';
import { outboundFetch } from './oidc/outbound-fetch.js';
import { createProvider } from './oidc/provider.js';
import { createAdapter } from './storage/adapter.js';
import { MemoryStore } from './storage/memory-store.js';
import type { Store } from './storage/store.js';
import { ClientLogos } from './web/client-logos.js';
import { health } from './web/health.js';
import { underPrefixes } from './web/path-prefix.js';
import { RateLimiter } from './web/rate-limiter.js';
import { cacheViews } from './web/render.js';
import { requestId, requestIdOf } from './web/request-id.js';
import { staticAssets } from './web/static.js';

/**
 * The chains with an RPC (RPC_URLS), each asked for its chain id: a mismatch
 * stops the start, an endpoint that does not answer is a loud warning. Without
 * RPC_URLS nothing chain-related is loaded: the EOA path never needs it.
 */
async function openChains(config: Config, observeRpc: RpcObserver | undefined): Promise<Chains | undefined> {
  if (config.rpcUrls.size === 0) return undefined;
  const { Chains } = await import('./chain/chains.js');
  const chains = new Chains(config.rpcUrls, config.rpcTimeout, observeRpc);
  const { problems, warnings } = await chains.probe();
  if (problems.length > 0) {
    chains.close();
    throw new ConfigError(problems);
  }
  for (const warning of warnings) log.warn(`!!! ${warning}`);
  return chains;
}

/**
 * ENS lookups for the `profile` scope (config/ens.ts): off with ENS=off, or
 * without an RPC for it (ENS_RPC_URL, else the chain-1 entry of RPC_URLS).
 * Nothing is asked at start: ENS is never needed for a login.
 */
async function openEns(config: Config, store: Store, observeRpc: RpcObserver | undefined): Promise<EnsProfiles | undefined> {
  if (!ensOn(config.ens)) {
    if (config.ens.off === 'no-rpc') log.info('ENS names are off: set ENS_RPC_URL (or a chain-1 entry in RPC_URLS) for the profile scope');
    return undefined;
  }
  const { EnsProfiles } = await import('./ens/ens-profiles.js');
  // NFT avatars' metadata is fetched as every other outgoing request: through the SSRF guard.
  const fetch = outboundFetch(config.privateNetworkHosts) as unknown as ConstructorParameters<typeof EnsProfiles>[2];
  return new EnsProfiles(config.ens, store, fetch, observeRpc);
}

/**
 * The application on `store`. With `metrics` (METRICS_PORT: main.ts creates
 * them and serves them on their own port, metrics/server.ts) it also counts:
 * request times per route, oidc-provider's events, store and RPC calls, rate
 * limit refusals and sign-ins (audit.ts, through ctx.metrics). Without, none
 * of that is installed.
 */
export async function createApp(settings: Settings, backend: Store, metrics?: Metrics): Promise<Provider> {
  const { config, jwks, clients, cookieKeys } = settings;
  cacheViews(config.production);
  // Every JSON-RPC call (the chains' and ENS's) counted and timed, when metrics are on.
  const observeRpc: RpcObserver | undefined = metrics && ((...call) => metrics.rpcCall(...call));
  const chains = await openChains(config, observeRpc);
  // The in-memory store's cap (MEMORY_STORE_MAX_ENTRIES): at it, new interactions are refused (storage/memory-store.ts).
  if (backend instanceof MemoryStore) backend.maxEntries = config.memoryStoreMaxEntries;
  // The abuse limits (RATE_LIMITS), counted in the same store: every instance sharing Redis counts together.
  const rateLimiter = new RateLimiter(backend, config.rateLimits, metrics);
  // With metrics, every store call is counted and timed (a decorator: the backends are untouched).
  const store = metrics ? (await import('./metrics/instrumented-store.js')).instrumentStore(backend, metrics) : backend;
  const ens = await openEns(config, store, observeRpc);
  const provider = await createProvider({
    config,
    jwks,
    clients,
    cookieKeys,
    adapter: createAdapter(store),
    store,
    rateLimiter,
    gateReader: chains,
    ens,
  });
  provider.use(health(store, config.chainIds, chains));
  provider.use(await staticAssets());
  const interactionDeps = {
    provider,
    store,
    config,
    nonceKey: nonceKeyFrom(cookieKeys[0]!),
    logos: new ClientLogos(clients),
    chains,
    rateLimiter,
    ens,
  };
  provider.use(underPrefixes(['/interaction/'], interactionRoutes(interactionDeps)));
  // Cross-device sign-in (a phone wallet signs for this page; cross-device/): its pages wait on this instance.
  const waiting = new WaitingPages(store, provider, config.crossDeviceMaxWaiting);
  provider.use(underPrefixes(['/interaction/', '/sign/'], crossDeviceRoutes({ ...interactionDeps, waiting })));
  provider.on('server_error', (_ctx, error) => log.error('oidc-provider server_error', { error: error.message }));
  // First of all middleware: every request gets its X-Request-Id, and every log line written for it its request_id.
  provider.middleware.unshift(requestId);
  if (metrics) {
    const [{ requestDuration }, { countOidcEvents }] = await Promise.all([
      import('./metrics/request-duration.js'),
      import('./metrics/oidc-events.js'),
    ]);
    // Before even the request id: the whole answer is timed.
    provider.middleware.unshift(requestDuration(provider, metrics));
    countOidcEvents(provider, metrics);
    // ctx.metrics on every request (Koa's app.context is each ctx's prototype): audit.ts counts sign-ins with it.
    provider.context.metrics = metrics;
  }
  // An error Koa answers itself (past every handler): one log line instead of Koa's console.error with the stack.
  (provider as Koa).on('error', (error: Error & { status?: number; expose?: boolean }, ctx?: Context) => {
    if (error.status === 404 || error.expose) return;
    log.error('request failed', { request_id: ctx ? requestIdOf(ctx) : undefined, path: ctx?.path, error: error.message });
  });
  return provider;
}
