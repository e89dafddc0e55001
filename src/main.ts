/** Entry point: read the settings, open the store, serve, and stop cleanly. */
import { once } from 'node:events';
import { createApp } from './app.js';
import { ConfigError } from './config/config-error.js';
import { loadSettings } from './config/settings.js';
import { HELP } from './config/help.js';
import { log, setLogLevel } from './log.js';
import { keccakImplementation } from './siwe/keccak.js';
import { secp256k1Implementation } from './siwe/secp256k1.js';
import { createStore } from './storage/store.js';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const settings = await loadSettings();
  setLogLevel(settings.config.logLevel);
  for (const warning of settings.warnings) log.warn(`!!! ${warning}`);
  const { config } = settings;
  const store = await createStore({ redisUrl: config.redisUrl });
  const provider = await createApp(settings, store);
  const server = provider.listen(config.port);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(`siwe-idp listening on port ${port}`, {
    issuer: config.issuer,
    discovery: `${config.issuer}/.well-known/openid-configuration`,
    store: store.kind,
    chainIds: config.chainIds,
    // native, or the pure-JavaScript fallback (several times slower per login)
    crypto: { secp256k1: secp256k1Implementation, keccak: keccakImplementation },
  });

  const stop = async (signal: string) => {
    log.info(`${signal} received, closing`);
    server.close();
    server.closeIdleConnections();
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`siwe-idp cannot start: ${error.message}\nRun with --help for the settings.\n`);
  } else {
    process.stderr.write(`siwe-idp cannot start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
