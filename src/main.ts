/** Entry point: read the settings, open the store, serve, and stop gracefully (web/shutdown.ts). */
// First: every line the process writes is a log line, oidc-provider's warnings as it loads included.
import './process-log.js';
import { once } from 'node:events';
import { ConfigError } from './config/config-error.js';
import { loadSettings } from './config/settings.js';
import { HELP } from './config/help.js';
import { log, setLogFormat, setLogLevel } from './log.js';
import { keccakImplementation } from './siwe/keccak.js';
import { secp256k1Implementation } from './siwe/secp256k1.js';
import { serve } from './serve.js';
import { Drain, shutDown } from './web/shutdown.js';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const settings = await loadSettings();
  setLogLevel(settings.config.logLevel);
  setLogFormat(settings.config.logFormat);
  for (const warning of settings.warnings) log.warn(`!!! ${warning}`);
  const { config } = settings;
  const { server, provider, store, metricsServer } = await serve(settings);
  const drain = new Drain(server, provider);
  // Graceful stop (web/shutdown.ts): /readyz 503 at once, new connections for half of SHUTDOWN_TIMEOUT,
  // requests in flight until SHUTDOWN_TIMEOUT, then the store closes. A second signal stops at once.
  // Armed before the start is announced, so a signal sent on seeing that line never meets the default action.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn(`${signal} received again: cutting ${drain.inFlight} request(s) in flight and exiting now`);
      drain.abort();
      process.exit(1);
    }
    stopping = true;
    shutDown(signal, drain, store, config.shutdownTimeout, metricsServer).then(
      (code) => process.exit(code),
      (error: unknown) => {
        log.error('the stop failed', { error: (error as Error).message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
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
    ...(metricsServer ? { metrics: metricsServer.url } : {}),
  });
}

main().catch((error: unknown) => {
  // A log line too (`fatal`: written whatever LOG_LEVEL says).
  if (error instanceof ConfigError) {
    log.fatal('siwe-idp cannot start: invalid configuration', { problems: error.problems, help: 'Run with --help for the settings.' });
  } else {
    log.fatal('siwe-idp cannot start', { error: (error as Error).message ?? String(error), stack: (error as Error).stack });
  }
  process.exit(1);
});
