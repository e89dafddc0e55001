/**
 * The whole server as one Koa application: oidc-provider (itself a Koa app)
 * with our health checks, page assets and login interaction in front of it.
 */
import type Provider from 'oidc-provider';
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

export async function createApp(settings: Settings, store: Store): Promise<Provider> {
  const { config, jwks, clients, cookieKeys } = settings;
  cacheViews(config.production);
  const provider = await createProvider({ config, jwks, clients, cookieKeys, adapter: createAdapter(store), store });
  provider.use(health(store));
  provider.use(await staticAssets());
  provider.use(interactionRoutes({ provider, store, config, nonceKey: nonceKeyFrom(cookieKeys[0]!), logos: new ClientLogos(clients) }));
  provider.on('server_error', (_ctx, error) => log.error('oidc-provider server_error', { error: error.message }));
  return provider;
}
