#!/usr/bin/env node
/** Entry point of the `siwe-idp` command (package.json "bin"). */
import { processIo } from './io.js';
import { run } from './run.js';

process.env.LOG_LEVEL ??= 'warn';
const code = await run(process.argv.slice(2), processIo());
// Exit once the output is flushed, without waiting for idle timers of closed store connections.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
