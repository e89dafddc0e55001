/** Minimal structured logging to stderr. Never pass secrets, keys or cookies here. */
type Level = 'info' | 'warn' | 'error';

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (process.env.LOG_LEVEL === 'silent' || (process.env.LOG_LEVEL === 'warn' && level === 'info')) return;
  const line = fields ? `${message} ${JSON.stringify(fields)}` : message;
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${line}\n`);
}

export const log = {
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
