/**
 * The server's output as log lines, set up before anything else: main.ts
 * imports this module first, so it runs before any module loads
 * oidc-provider, which warns as it loads ("oidc-provider WARNING: Unsupported
 * runtime…" on Node 20). From here on every line the process writes is a log
 * line (log.ts): console output and Node's process warnings (captureConsole),
 * and an uncaught exception (a `fatal` line, then exit 1). LOG_LEVEL and
 * LOG_FORMAT apply as far as they are valid; main.ts applies them again with
 * the whole configuration, which refuses a bad value. Not for the CLI: its
 * output is for people.
 */
import { parseLogFormat } from './config/log-format.js';
import { parseLogLevel } from './config/log-level.js';
import { processEnv } from './config/process-env.js';
import { captureConsole, log, setLogFormat, setLogLevel } from './log.js';

const env = processEnv();
setLogLevel(parseLogLevel(env.LOG_LEVEL, 'info', []));
setLogFormat(parseLogFormat(env.LOG_FORMAT, 'json', []));
captureConsole();

process.on('uncaughtException', (error: Error, origin: string) => {
  log.fatal('siwe-idp stopped on an uncaught exception', { origin, error: error.message, stack: error.stack });
  process.exit(1);
});
