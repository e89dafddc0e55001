/**
 * Our server as `npm start` runs it (src/main.ts): its log set-up first
 * (process-log.ts), settings from the environment (NODE_ENV=production,
 * JWKS_FILE, CLIENTS_FILE, COOKIE_KEYS, REDIS_URL, LOG_LEVEL, METRICS_PORT,
 * RATE_LIMITS), then src/serve.ts's serve(): the store, the metrics on their
 * own port, the application. Bench differences: the Redis key namespace
 * (BENCH_NAMESPACE), the memory store's sweep interval (BENCH_SWEEP_MS),
 * loopback-only listening and the hooks of ./hooks.ts.
 */
import '../../src/process-log.js';
import { once } from 'node:events';
import { loadSettings } from '../../src/config/settings.js';
import { serve } from '../../src/serve.js';
import { announceReady } from '../lib/child-ipc.js';
import { serveBenchHooks } from './hooks.js';

const settings = await loadSettings();
const sweep = Number(process.env.BENCH_SWEEP_MS);
const { server, store, metricsServer } = await serve(settings, {
  host: '127.0.0.1',
  store: { namespace: process.env.BENCH_NAMESPACE, ...(sweep > 0 ? { sweepIntervalMs: sweep } : {}) },
});
await once(server, 'listening');
serveBenchHooks(server, store, metricsServer && (() => metricsServer.close()));
announceReady({ port: settings.config.port, store: store.kind });
