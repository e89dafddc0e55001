/**
 * The bare engine: oidc-provider with our provider configuration, our store and
 * adapter, the same settings as ./siwe.ts, and interaction routes that skip the
 * wallet proof (./bare-routes.ts). Only the proof differs from our server.
 */
import { once } from 'node:events';
import Provider from 'oidc-provider';
import { loadSettings } from '../../src/config/settings.js';
import { providerConfiguration } from '../../src/oidc/provider.js';
import { createAdapter } from '../../src/storage/adapter.js';
import { createStore } from '../../src/storage/store.js';
import { resolveClientAddress } from '../../src/web/client-address.js';
import { pinOrigin } from '../../src/web/pinned-origin.js';
import { announceReady } from '../lib/child-ipc.js';
import { bareInteractionRoutes } from './bare-routes.js';
import { serveBenchHooks } from './hooks.js';

const { config, jwks, clients, cookieKeys } = await loadSettings();
const store = await createStore({ redisUrl: config.redisUrl, namespace: process.env.BENCH_NAMESPACE });
const provider = new Provider(config.issuer, providerConfiguration({ config, jwks, clients, cookieKeys, adapter: createAdapter(store) }));
pinOrigin(provider, config.issuer);
resolveClientAddress(provider, config.trustProxy);
provider.use(bareInteractionRoutes(provider, config));
const server = provider.listen(config.port, '127.0.0.1');
await once(server, 'listening');
serveBenchHooks(server, store);
announceReady({ port: config.port, store: store.kind });
