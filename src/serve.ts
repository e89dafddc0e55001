/**
 * The server as `npm start` runs it, from its settings: the store, the
 * metrics (METRICS_PORT: a registry of our own, served on its own port), the
 * application, and the public port. main.ts adds the process around it (log
 * settings, signals, the start line); the bench starts exactly this, so what
 * it measures is what is deployed.
 */
import type { Server } from 'node:http';
import type Provider from 'oidc-provider';
import { createApp } from './app.js';
import type { Settings } from './config/settings.js';
import type { MetricsServer } from './metrics/server.js';
import { createStore, type Store, type StoreOptions } from './storage/store.js';

export interface Serving {
  server: Server;
  provider: Provider;
  store: Store;
  /** The metrics endpoint, when METRICS_PORT is set. */
  metricsServer: MetricsServer | undefined;
}

export interface ServeOptions {
  /** The address to listen on; unset: every address (as `npm start`). */
  host?: string;
  /** The store's key namespace and sweep interval (the bench keeps its servers' keys apart). */
  store?: Pick<StoreOptions, 'namespace' | 'sweepIntervalMs'>;
}

/** Opens the store, builds the application and starts listening (not yet listening on return: await 'listening'). */
export async function serve(settings: Settings, options: ServeOptions = {}): Promise<Serving> {
  const { config } = settings;
  const store = await createStore({ redis: config.redis, ...options.store });
  // Unset METRICS_PORT: nothing of the metrics is loaded or created.
  const metrics = config.metrics ? new (await import('./metrics/registry.js')).Metrics() : undefined;
  const provider = await createApp(settings, store, metrics);
  // Before the public port: a metrics port that cannot be had stops the start.
  let metricsServer: MetricsServer | undefined;
  if (metrics && config.metrics) {
    const { startMetricsServer } = await import('./metrics/server.js');
    metricsServer = await startMetricsServer(metrics, config.metrics.port, config.metrics.host);
  }
  const server = options.host === undefined ? provider.listen(config.port) : provider.listen(config.port, options.host);
  return { server, provider, store, metricsServer };
}
