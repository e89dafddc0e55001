/**
 * The application with metrics, as main.ts runs it with METRICS_PORT (createApp
 * with a Metrics, and the metrics server), in this process on free loopback
 * ports, with the in-memory store or the real Redis (a private namespace).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { createApp } from '../../src/app.js';
import { readConfig } from '../../src/config/env.js';
import { generateJwks } from '../../src/config/keys.js';
import { deploymentWarnings } from '../../src/config/settings.js';
import { Metrics } from '../../src/metrics/registry.js';
import { type MetricsServer, startMetricsServer } from '../../src/metrics/server.js';
import { createStore, type Store } from '../../src/storage/store.js';
import { newNamespace } from '../support/server.js';
import { deleteNamespace, REDIS_URL } from '../support/storage-backends.js';
import { TEST_CLIENTS } from '../support/test-clients.js';
import { parseExposition, type Sample } from './exposition.js';

export interface Running {
  issuer: string;
  provider: Provider;
  metricsUrl: string;
  close(): Promise<void>;
}

/** The application with metrics on a free loopback port, and the metrics server on another. */
export async function start(backend: 'memory' | 'redis', env: Record<string, string>): Promise<Running> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const config = readConfig({ PORT: String(port), ISSUER: `http://localhost:${port}`, ...env });
  const redisUrl = backend === 'redis' ? REDIS_URL : undefined;
  const namespace = newNamespace();
  const store: Store = await createStore({ redisUrl, namespace });
  const metrics = new Metrics();
  const provider = await createApp(
    {
      config: { ...config, redisUrl },
      jwks: await generateJwks(),
      clients: TEST_CLIENTS,
      cookieKeys: [randomBytes(32).toString('hex')],
      warnings: deploymentWarnings(config),
    },
    store,
    metrics,
  );
  server.on('request', provider.callback());
  const metricsServer: MetricsServer = await startMetricsServer(metrics, 0, '127.0.0.1');
  return {
    issuer: config.issuer,
    provider,
    metricsUrl: `http://127.0.0.1:${metricsServer.port}`,
    async close() {
      await metricsServer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      if (redisUrl) await deleteNamespace(redisUrl, namespace).catch(() => undefined);
    },
  };
}

/** GET /metrics, checked and parsed. */
export async function scrape(running: Running): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`${running.metricsUrl}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, samples: parseExposition(text) };
}
