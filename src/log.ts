/**
 * The process's logs, through pino: one JSON object per line on stderr
 * (LOG_FORMAT=json, the default), or a readable line per entry for development
 * (LOG_FORMAT=pretty), at the level LOG_LEVEL sets (see config/log-level.ts).
 *
 *   {"level":"info","time":"2025-01-01T12:00:00.000Z","msg":"siwe-idp listening on port 3000","issuer":"…"}
 *
 * Every line has `level` (info, warn, error, fatal), `time` (ISO 8601, UTC) and
 * `msg`, then the context of the request being served (`request_id`, see
 * web/request-id.ts) and the caller's fields. Lines go to stderr through
 * process.stderr.write, gathered for at most 50 ms (see flushLogs) and
 * written synchronously at exit and with every `fatal` line, so nothing is
 * lost when the process stops; setLogDestination() sends them elsewhere, each
 * line at once.
 *
 * Never pass a secret, a key, a cookie or a token here. As a safety net, the
 * fields named in REDACTED_FIELDS (headers such as authorization and cookie,
 * client secrets, tokens, codes, signatures) are written as "[redacted]"
 * wherever they appear among the fields, or one or two levels down
 * (`headers.cookie`, `req.headers.authorization`). Messages are written as given.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format, inspect } from 'node:util';
import { pino } from 'pino';
import type { LogFormat } from './config/log-format.js';
import type { LogLevel } from './config/log-level.js';

type Level = Exclude<LogLevel, 'silent'>;
type Fields = Record<string, unknown>;

/** Where the lines go: anything with a write(string) (a stream, or a test's recorder). */
export interface LogDestination {
  write(line: string): unknown;
}

/** Field names whose values are never written, as they may hold a secret. */
export const REDACTED_FIELDS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'cookies',
  'cookieKeys',
  'client_secret',
  'clientSecret',
  'secret',
  'password',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
  'id_token_hint',
  'logout_token',
  'registration_access_token',
  'initial_access_token',
  'initialAccessToken',
  'code',
  'code_verifier',
  'device_code',
  'user_code',
  'signature',
  'client_assertion',
] as const;

export const REDACTED = '[redacted]';

const SECRET_NAMES: ReadonlySet<string> = new Set(REDACTED_FIELDS);

/**
 * `fields` with the value of every secret-bearing field (REDACTED_FIELDS)
 * replaced, at the top and one or two levels down; objects are copied only
 * where something changes, so the caller's stay untouched. (pino's own
 * `redact`, with wildcard paths, cost more than the rest of a line.)
 */
function redactSecrets(fields: Fields, depth = 0): Fields {
  let copy: Fields | undefined;
  for (const name in fields) {
    const value = fields[name];
    let replaced: unknown = value;
    if (SECRET_NAMES.has(name)) replaced = REDACTED;
    else if (depth < 2 && value !== null && typeof value === 'object') replaced = redactSecrets(value as Fields, depth + 1);
    if (replaced !== value) {
      copy ??= Array.isArray(fields) ? ([...fields] as unknown as Fields) : { ...fields };
      copy[name] = replaced;
    }
  }
  return copy ?? fields;
}

let destination: LogDestination | undefined;
let logFormat: LogFormat = 'json';

/** Lines waiting for stderr, written together (see flushLogs). */
interface PendingLines {
  text: string;
  timer: NodeJS.Timeout | undefined;
}
/**
 * One buffer per process, even if this module is loaded twice (a test runner's
 * loader can load a lazily imported module's dependencies again): every copy
 * appends to it and any copy's flushLogs() writes it all, in order.
 */
const PENDING = Symbol.for('siwe-idp.log.pending');
const shared = globalThis as { [PENDING]?: PendingLines };
shared[PENDING] ??= { text: '', timer: undefined };
const pending: PendingLines = shared[PENDING];
/** Written at once past this many characters; otherwise within FLUSH_DELAY_MS. */
const FLUSH_CHARS = 16_384;
const FLUSH_DELAY_MS = 50;

/**
 * Writes the lines waiting for stderr, in one write. A write to stderr is a
 * system call that wakes the reader (a pipe to the container's log driver):
 * one per line cost more CPU than the line itself, so lines are gathered for
 * at most 50 ms or 16 KB. They are written synchronously at exit (process
 * `exit`, which process.exit() and a crash also emit) and before every
 * `fatal` line, so nothing is lost when the process stops.
 */
export function flushLogs(): void {
  if (pending.timer !== undefined) {
    clearTimeout(pending.timer);
    pending.timer = undefined;
  }
  if (pending.text === '') return;
  const lines = pending.text;
  pending.text = '';
  process.stderr.write(lines);
}

process.on('exit', flushLogs);

/** Every line passes here: formatted for LOG_FORMAT, written to the destination (stderr unless set). */
const sink: LogDestination = {
  write(line: string) {
    if (destination !== undefined) {
      destination.write(logFormat === 'pretty' ? prettyLine(line) : line);
      return;
    }
    pending.text += logFormat === 'pretty' ? prettyLine(line, stderrHasColors()) : line;
    if (pending.text.length >= FLUSH_CHARS) flushLogs();
    else pending.timer ??= setTimeout(flushLogs, FLUSH_DELAY_MS).unref();
  },
};

/** Whether stderr is a terminal that shows colours (tty's hasColors() heeds NO_COLOR, FORCE_COLOR and TERM). */
function stderrHasColors(): boolean {
  const stderr = process.stderr as NodeJS.WriteStream & { hasColors?: () => boolean };
  return stderr.isTTY === true && stderr.hasColors?.() === true;
}

const options: pino.LoggerOptions = {
  level: 'info',
  // No pid or hostname: one process per container; the platform labels its lines.
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
};

const logger = pino(options, sink);
/** Start failures and crashes: written whatever LOG_LEVEL says (even silent). */
const fatalLogger = pino({ ...options, level: 'fatal' }, sink);

/** Context added to every line written within runWithLogContext (e.g. the request id). */
const context = new AsyncLocalStorage<Fields>();

/** Sets the level below which lines are dropped; the server and the CLI call it once at start. */
export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

/** Sets how lines look (LOG_FORMAT); the server calls it once at start. */
export function setLogFormat(format: LogFormat): void {
  logFormat = format;
}

/** Sends every line to `target` instead of stderr (tests); without an argument, back to stderr. */
export function setLogDestination(target?: LogDestination): void {
  destination = target;
}

/** Runs `fn` with `fields` added to every line logged within it, across awaits (AsyncLocalStorage). */
export function runWithLogContext<T>(fields: Fields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** The fields runWithLogContext set for the code running now, if any. */
export function logContext(): Readonly<Fields> | undefined {
  return context.getStore();
}

/** Names every line sets itself: a field by one of these names is written as `<name>_`. */
const RESERVED = ['level', 'time'];

function entry(message: string, fields: Fields | undefined): Fields {
  // msg first, then the context, then the caller's fields; msg stays the message whatever the fields hold.
  const object: Fields = { msg: message, ...context.getStore(), ...(fields === undefined ? undefined : redactSecrets(fields)) };
  object.msg = message;
  for (const name of RESERVED) {
    if (name in object) {
      object[`${name}_`] = object[name];
      delete object[name];
    }
  }
  return object;
}

function write(level: Level, message: string, fields?: Fields): void {
  if (logger.isLevelEnabled(level)) logger[level](entry(message, fields));
}

export const log = {
  info: (message: string, fields?: Fields) => write('info', message, fields),
  warn: (message: string, fields?: Fields) => write('warn', message, fields),
  error: (message: string, fields?: Fields) => write('error', message, fields),
  /** The process cannot go on (a refused start, a crash): written at every LOG_LEVEL, silent included. */
  fatal: (message: string, fields?: Fields) => {
    fatalLogger.fatal(entry(message, fields));
    flushLogs();
  },
};

const COLORS: Partial<Record<string, string>> = { warn: '\x1b[33m', error: '\x1b[31m', fatal: '\x1b[31;1m' };

/** LOG_FORMAT=pretty: `<time> <LEVEL> <message> {fields}`, the level in colour on a terminal that shows colours. */
export function prettyLine(json: string, colors = false): string {
  let parsed: Fields;
  try {
    parsed = JSON.parse(json) as Fields;
  } catch {
    return json;
  }
  const { level, time, msg, ...fields } = parsed;
  const label = String(level).toUpperCase().padEnd(5);
  const color = colors ? COLORS[String(level)] : undefined;
  const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${String(time)} ${color ? `${color}${label}\x1b[0m` : label} ${String(msg ?? '')}${rest}\n`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what it removes
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/**
 * Makes everything written through `console` a log line (process-log.ts, which
 * the server's main.ts imports first, calls it; the CLI does not: its output is for people): `console.log`,
 * `info`, `debug` and `dir` as info, `warn` as warn, `error` and `trace` as
 * error. oidc-provider's notices and warnings ("oidc-provider WARNING: …")
 * carry `source: "oidc-provider"`, anything else `source: "console"`. Node's
 * own process warnings (deprecations…) become warn lines with `source: "node"`
 * (unless Node was told not to print them). Returns a function that undoes it all.
 */
export function captureConsole(): () => void {
  const saved = {
    log: console.log,
    info: console.info,
    debug: console.debug,
    dir: console.dir,
    warn: console.warn,
    error: console.error,
  };
  const route =
    (level: Level) =>
    (...args: unknown[]) => {
      const message = format(...args).replace(ANSI, '');
      write(level, message, { source: message.startsWith('oidc-provider ') ? 'oidc-provider' : 'console' });
    };
  console.log = route('info');
  console.info = route('info');
  console.debug = route('info');
  console.dir = (item: unknown, inspectOptions?: object) => write('info', inspect(item, inspectOptions), { source: 'console' });
  console.warn = route('warn');
  console.error = route('error');

  // Node prints a process warning through the listener it installs at boot (absent with --no-warnings).
  const printers = process.listeners('warning');
  const onWarning = (warning: Error & { code?: string }) =>
    write('warn', warning.message, { source: 'node', warning: warning.name, ...(warning.code ? { warning_code: warning.code } : {}) });
  if (printers.length > 0) {
    for (const printer of printers) process.off('warning', printer);
    process.on('warning', onWarning);
  }
  return () => {
    Object.assign(console, saved);
    if (printers.length > 0) {
      process.off('warning', onWarning);
      for (const printer of printers) process.on('warning', printer);
    }
  };
}
