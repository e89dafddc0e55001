/** Records the log lines this process writes (log.ts), instead of printing them. */
import type { LogLevel } from '../../src/config/log-level.js';
import { setLogDestination, setLogFormat, setLogLevel } from '../../src/log.js';

export type LogLine = Record<string, unknown> & { level: string; time: string; msg: string };

export interface LogCapture {
  /** Every line so far, as written. */
  text(): string;
  /** Every line so far, parsed. */
  lines(): LogLine[];
  /** The lines whose fields include all of `fields`. */
  find(fields: Record<string, unknown>): LogLine[];
  clear(): void;
  /** Back to stderr, JSON, level info. */
  restore(): void;
}

export function captureLogs(level: LogLevel = 'info'): LogCapture {
  let written: string[] = [];
  setLogDestination({ write: (line: string) => written.push(line) });
  setLogFormat('json');
  setLogLevel(level);
  const lines = () => written.map((line) => JSON.parse(line) as LogLine);
  return {
    text: () => written.join(''),
    lines,
    find: (fields) => lines().filter((line) => Object.entries(fields).every(([name, value]) => line[name] === value)),
    clear: () => {
      written = [];
    },
    restore: () => {
      setLogDestination();
      setLogFormat('json');
      setLogLevel('info');
    },
  };
}
