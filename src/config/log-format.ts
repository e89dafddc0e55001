/** LOG_FORMAT: how log lines look: `json` (one JSON object per line, the default) or `pretty` (for development). */
import { parseChoice } from './values.js';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function parseLogFormat(raw: string | undefined, fallback: LogFormat, problems: string[]): LogFormat {
  return parseChoice('LOG_FORMAT', raw, LOG_FORMATS, fallback, problems);
}
