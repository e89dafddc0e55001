/**
 * Our server as production builds it (src/main.ts): settings from the
 * environment (NODE_ENV=production, JWKS_FILE, CLIENTS_FILE, COOKIE_KEYS,
 * REDIS_URL), createStore, createApp. Bench differences: the Redis key
 * namespace (BENCH_NAMESPACE), the memory store's sweep interval
 * (BENCH_SWEEP_MS), loopback-only listening and the hooks of ./hooks.ts.
 */
import { once } from 'node:events';
import { createApp } from '../../src/app.js';
import { loadSettings } from '../../src/config/settings.js';
import { createStore } from '../../src/storage/store.js';
import { announceReady } from '../lib/child-ipc.js';
import { serveBenchHooks } from './hooks.js';

const settings = await loadSettings();
const { config } = settings;
const sweep = Number(process.env.BENCH_SWEEP_MS);
const store = await createStore({
  redisUrl: config.redisUrl,
  namespace: process.env.BENCH_NAMESPACE,
  ...(sweep > 0 ? { sweepIntervalMs: sweep } : {}),
});
const provider = await createApp(settings, store);
const server = provider.listen(config.port, '127.0.0.1');
await once(server, 'listening');
serveBenchHooks(server, store);
announceReady({ port: config.port, store: store.kind });
