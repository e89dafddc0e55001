/**
 * Minimal structured logging to stderr, at the level LOG_LEVEL sets (see
 * config/log-level.ts). Never pass secrets, keys or cookies here.
 */
import type { LogLevel } from './config/log-level.js';

type Level = Exclude<LogLevel, 'silent'>;

const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };
let threshold: LogLevel = 'info';

/** Sets the level below which lines are dropped; the server and the CLI call it once at start. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (RANK[level] < RANK[threshold]) return;
  const line = fields ? `${message} ${JSON.stringify(fields)}` : message;
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${line}\n`);
}

export const log = {
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
