/**
 * Starts the real server in this process on a free loopback port, with the
 * in-memory store or the real Redis (a private key namespace per server).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { createApp } from '../../src/app.js';
import { type Config, readConfig } from '../../src/config/env.js';
import { generateJwks, type PrivateJwks } from '../../src/config/keys.js';
import { deploymentWarnings, type Settings } from '../../src/config/settings.js';
import { createStore, type Store } from '../../src/storage/store.js';
import { TEST_CLIENTS } from './test-clients.js';
import { deleteNamespace, MEMORY_ONLY, REDIS_URL } from './storage-backends.js';

export type Backend = 'memory' | 'redis';
export const BACKENDS: Backend[] = MEMORY_ONLY ? ['memory'] : ['memory', 'redis'];

export interface TestServer {
  issuer: string;
  provider: Provider;
  store: Store;
  settings: Settings;
  server: Server;
  close(): Promise<void>;
}

export interface StartOptions {
  backend?: Backend;
  env?: Record<string, string>;
  clients?: ClientMetadata[];
  /** Share keys, cookie secrets and the store namespace with another instance. */
  shared?: { jwks: PrivateJwks; cookieKeys: string[]; namespace: string };
  redisUrl?: string;
  port?: number;
  /** Settings past what the environment may set (e.g. an INTERACTION_TTL of seconds, to see expiry). */
  config?: Partial<Config>;
}

export function newNamespace(): string {
  return `test-${randomBytes(6).toString('hex')}`;
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const server = createServer();
  const port = await listen(server, options.port);
  const backend = options.backend ?? 'memory';
  const redisUrl = backend === 'redis' ? (options.redisUrl ?? REDIS_URL) : undefined;
  const config = readConfig({ PORT: String(port), ISSUER: `http://localhost:${port}`, ...options.env });
  const shared = options.shared ?? { jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace: newNamespace() };
  const settings: Settings = {
    config: { ...config, ...options.config, redisUrl },
    jwks: shared.jwks,
    clients: options.clients ?? TEST_CLIENTS,
    cookieKeys: shared.cookieKeys,
    warnings: deploymentWarnings(config),
  };
  const store = await createStore({ redisUrl, namespace: shared.namespace });
  const provider = await createApp(settings, store);
  server.on('request', provider.callback());
  return {
    issuer: config.issuer,
    provider,
    store,
    settings,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      if (redisUrl) await deleteNamespace(redisUrl, shared.namespace).catch(() => undefined);
    },
  };
}
