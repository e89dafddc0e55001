/**
 * The whole server as one Koa application: oidc-provider (itself a Koa app)
 * with our health checks, page assets and login interaction in front of it.
 */
import type Koa from 'koa';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Chains } from './chain/chains.js';
import { ConfigError } from './config/config-error.js';
import type { Config } from './config/env.js';
import type { Settings } from './config/settings.js';
import { nonceKeyFrom } from './interaction/challenge.js';
import { interactionRoutes } from './interaction/routes.js';
import { log } from './log.js';
import { createProvider } from './oidc/provider.js';
import { createAdapter } from './storage/adapter.js';
import { MemoryStore } from './storage/memory-store.js';
import type { Store } from './storage/store.js';
import { ClientLogos } from './web/client-logos.js';
import { health } from './web/health.js';
import { RateLimiter } from './web/rate-limiter.js';
import { cacheViews } from './web/render.js';
import { requestId, requestIdOf } from './web/request-id.js';
import { staticAssets } from './web/static.js';

/**
 * The chains with an RPC (RPC_URLS), each asked for its chain id: a mismatch
 * stops the start, an endpoint that does not answer is a loud warning. Without
 * RPC_URLS nothing chain-related is loaded: the EOA path never needs it.
 */
async function openChains(config: Config): Promise<Chains | undefined> {
  if (config.rpcUrls.size === 0) return undefined;
  const { Chains } = await import('./chain/chains.js');
  const chains = new Chains(config.rpcUrls, config.rpcTimeout);
  const { problems, warnings } = await chains.probe();
  if (problems.length > 0) {
    chains.close();
    throw new ConfigError(problems);
  }
  for (const warning of warnings) log.warn(`!!! ${warning}`);
  return chains;
}

export async function createApp(settings: Settings, store: Store): Promise<Provider> {
  const { config, jwks, clients, cookieKeys } = settings;
  cacheViews(config.production);
  const chains = await openChains(config);
  // The in-memory store's cap (MEMORY_STORE_MAX_ENTRIES): at it, new interactions are refused (storage/memory-store.ts).
  if (store instanceof MemoryStore) store.maxEntries = config.memoryStoreMaxEntries;
  // The abuse limits (RATE_LIMITS), counted in the same store: every instance sharing Redis counts together.
  const rateLimiter = new RateLimiter(store, config.rateLimits);
  const provider = await createProvider({ config, jwks, clients, cookieKeys, adapter: createAdapter(store), store, rateLimiter });
  provider.use(health(store, config.chainIds, chains));
  provider.use(await staticAssets());
  provider.use(
    interactionRoutes({
      provider,
      store,
      config,
      nonceKey: nonceKeyFrom(cookieKeys[0]!),
      logos: new ClientLogos(clients),
      chains,
      rateLimiter,
    }),
  );
  provider.on('server_error', (_ctx, error) => log.error('oidc-provider server_error', { error: error.message }));
  // First of all middleware: every request gets its X-Request-Id, and every log line written for it its request_id.
  provider.middleware.unshift(requestId);
  // An error Koa answers itself (past every handler): one log line instead of Koa's console.error with the stack.
  (provider as Koa).on('error', (error: Error & { status?: number; expose?: boolean }, ctx?: Context) => {
    if (error.status === 404 || error.expose) return;
    log.error('request failed', { request_id: ctx ? requestIdOf(ctx) : undefined, path: ctx?.path, error: error.message });
  });
  return provider;
}
