#!/usr/bin/env node
/** Entry point of the `siwe-idp` command (package.json "bin"). */
import { processIo } from './io.js';
import { run } from './run.js';
import { parseLogFormat } from '../config/log-format.js';
import { parseLogLevel } from '../config/log-level.js';
import { setLogFormat, setLogLevel } from '../log.js';

const io = processIo();
// The command's own output is its answer: only warnings and errors are logged, unless LOG_LEVEL says otherwise.
setLogLevel(parseLogLevel(io.env.LOG_LEVEL, 'warn', []));
// A person reads the command's log lines: human-readable unless LOG_FORMAT asks for JSON.
setLogFormat(parseLogFormat(io.env.LOG_FORMAT, 'pretty', []));
const code = await run(process.argv.slice(2), io);
// Exit once the output is flushed, without waiting for idle timers of closed store connections.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
