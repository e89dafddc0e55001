/**
 * The whole server as one Koa application: oidc-provider (itself a Koa app)
 * with our health checks, page assets and login interaction in front of it.
 */
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
import type { Store } from './storage/store.js';
import { ClientLogos } from './web/client-logos.js';
import { health } from './web/health.js';
import { cacheViews } from './web/render.js';
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
  const provider = await createProvider({ config, jwks, clients, cookieKeys, adapter: createAdapter(store), store });
  provider.use(health(store, config.chainIds, chains));
  provider.use(await staticAssets());
  provider.use(
    interactionRoutes({ provider, store, config, nonceKey: nonceKeyFrom(cookieKeys[0]!), logos: new ClientLogos(clients), chains }),
  );
  provider.on('server_error', (_ctx, error) => log.error('oidc-provider server_error', { error: error.message }));
  return provider;
}
