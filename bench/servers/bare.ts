/**
 * The bare engine: oidc-provider with our provider configuration and settings
 * (the same as ./siwe.ts), interaction routes that skip the wallet proof
 * (./bare-routes.ts), and a plain adapter, not ours: oidc-provider's own
 * in-memory adapter without REDIS_URL, the example-style Redis adapter of
 * ./plain-redis-adapter.ts with it. What ours costs beyond this is the price
 * of the proof, the single-use nonce, our store, limits, logs and metrics.
 */
import { once } from 'node:events';
import Provider, { type AdapterConstructor } from 'oidc-provider';
import { loadSettings } from '../../src/config/settings.js';
import { providerConfiguration } from '../../src/oidc/provider.js';
import { resolveClientAddress } from '../../src/web/client-address.js';
import { pinOrigin } from '../../src/web/pinned-origin.js';
import { announceReady } from '../lib/child-ipc.js';
import { bareInteractionRoutes } from './bare-routes.js';
import { serveBenchHooks } from './hooks.js';
import { plainRedisAdapter } from './plain-redis-adapter.js';

const { config, jwks, clients, cookieKeys } = await loadSettings();
const redis = config.redisUrl ? await plainRedisAdapter(config.redisUrl, `${process.env.BENCH_NAMESPACE ?? 'bare'}::`) : undefined;
const configuration = providerConfiguration({ config, jwks, clients, cookieKeys, adapter: redis?.Adapter as AdapterConstructor });
if (redis === undefined) delete configuration.adapter; // oidc-provider's own memory adapter
const provider = new Provider(config.issuer, configuration);
pinOrigin(provider, config.issuer);
resolveClientAddress(provider, config.trustProxy);
provider.use(bareInteractionRoutes(provider, config));
const server = provider.listen(config.port, '127.0.0.1');
await once(server, 'listening');
serveBenchHooks(server, undefined, redis?.close);
announceReady({ port: config.port, store: redis ? 'redis' : 'memory' });
