/** LOG_LEVEL: how much the process logs (`info`, `warn`, `error` or `silent`). */
import { optional } from './values.js';

export const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function parseLogLevel(raw: string | undefined, fallback: LogLevel, problems: string[]): LogLevel {
  const value = optional(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return fallback;
}
