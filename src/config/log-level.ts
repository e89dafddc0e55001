/** LOG_LEVEL: how much the process logs (`info`, `warn`, `error` or `silent`). */
import { parseChoice } from './values.js';

export const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function parseLogLevel(raw: string | undefined, fallback: LogLevel, problems: string[]): LogLevel {
  return parseChoice('LOG_LEVEL', raw, LOG_LEVELS, fallback, problems);
}
