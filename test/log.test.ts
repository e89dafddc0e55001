/**
 * log.ts: one JSON object per line (level, time, msg, then the context and the
 * fields), LOG_LEVEL, `fatal` at every level, redaction of secret-bearing
 * fields, the request context, LOG_FORMAT=pretty, and console capture.
 */
import assert from 'node:assert/strict';
import { captureConsole, log, prettyLine, REDACTED, runWithLogContext, setLogDestination, setLogFormat, setLogLevel } from '../src/log.js';
import { captureLogs, type LogCapture } from './support/log-capture.js';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('log lines', () => {
  let logs: LogCapture;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('writes one JSON object per line: level, time, msg first, then the fields', () => {
    log.info('hello "world"', { port: 3000, nested: { a: [1, 2] } });
    log.warn('careful');
    log.error('broken\nacross lines', { error: 'boom' });
    const text = logs.text();
    assert.ok(text.endsWith('\n'));
    const raw = text.split('\n').slice(0, -1);
    assert.equal(raw.length, 3, 'one line per entry, a message with a line break included');
    const [info, warn, error] = logs.lines();
    assert.deepEqual(Object.keys(info!), ['level', 'time', 'msg', 'port', 'nested']);
    assert.equal(info!.level, 'info');
    assert.match(info!.time, ISO_TIME);
    assert.ok(Math.abs(Date.parse(info!.time) - Date.now()) < 5000);
    assert.equal(info!.msg, 'hello "world"');
    assert.deepEqual(info!.nested, { a: [1, 2] });
    assert.deepEqual(warn, { level: 'warn', time: warn!.time, msg: 'careful' });
    assert.equal(error!.level, 'error');
    assert.equal(error!.msg, 'broken\nacross lines');
    assert.equal(error!.error, 'boom');
  });

  it('the message, level and time stay what they are whatever the fields hold', () => {
    log.info('the message', { msg: 'another', level: 'error', time: 'noon' });
    assert.equal(logs.text().match(/"level"/g)?.length, 1, 'one level member');
    const [line] = logs.lines();
    assert.equal(line!.msg, 'the message');
    assert.equal(line!.level, 'info');
    assert.match(line!.time, ISO_TIME);
    assert.equal(line!.level_, 'error');
    assert.equal(line!.time_, 'noon');
  });

  it('LOG_LEVEL drops the lines below it; silent drops all but fatal, which is always written', () => {
    setLogLevel('warn');
    log.info('dropped');
    log.warn('kept');
    setLogLevel('error');
    log.warn('dropped');
    log.error('kept');
    setLogLevel('silent');
    log.error('dropped');
    log.fatal('cannot start', { problems: ['X must be set'] });
    assert.deepEqual(
      logs.lines().map((line) => [line.level, line.msg]),
      [
        ['warn', 'kept'],
        ['error', 'kept'],
        ['fatal', 'cannot start'],
      ],
    );
  });

  it('never writes the value of a secret-bearing field, at the top or one or two levels down', () => {
    log.warn('a request', {
      client_secret: 'S1-client-secret',
      code: 'S2-authorization-code',
      headers: { authorization: 'Bearer S3-access-token', cookie: '_session=S4-cookie', 'set-cookie': ['_session=S5; path=/'] },
      req: { headers: { authorization: 'Basic S6', Cookie: 'S7' } },
      body: { refresh_token: 'S8', access_token: 'S9', id_token: 'S10', code_verifier: 'S11', signature: 'S12' },
      client: 'my-app',
    });
    const text = logs.text();
    for (let n = 1; n <= 12; n += 1) assert.ok(!text.includes(`S${n}`), `secret S${n} is written:\n${text}`);
    const [line] = logs.lines();
    assert.equal(line!.client_secret, REDACTED);
    assert.deepEqual(line!.headers, { authorization: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED });
    assert.equal(line!.client, 'my-app', 'other fields are kept');
  });

  it('redaction does not change the caller’s objects', () => {
    const headers = { cookie: 'kept' };
    log.info('x', { headers });
    assert.equal(headers.cookie, 'kept');
  });

  it('adds the context of runWithLogContext to every line within it, across awaits, and nowhere else', async () => {
    await runWithLogContext({ request_id: 'req-1' }, async () => {
      log.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.warn('after an await', { path: '/x' });
    });
    log.info('outside');
    const [inside, after, outside] = logs.lines();
    assert.deepEqual(Object.keys(inside!), ['level', 'time', 'msg', 'request_id']);
    assert.equal(inside!.request_id, 'req-1');
    assert.equal(after!.request_id, 'req-1');
    assert.equal(after!.path, '/x');
    assert.equal(outside!.request_id, undefined);
  });
});

describe('LOG_FORMAT=pretty', () => {
  afterEach(() => {
    setLogDestination();
    setLogFormat('json');
  });

  it('writes `<time> <LEVEL> <message> {fields}`, one readable line per entry', () => {
    const written: string[] = [];
    setLogDestination({ write: (line: string) => written.push(line) });
    setLogFormat('pretty');
    log.info('siwe-idp listening on port 3000', { store: 'memory' });
    log.warn('!!! NODE_ENV is not "production"');
    assert.equal(written.length, 2);
    assert.match(written[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}siwe-idp listening on port 3000 \{"store":"memory"\}\n$/);
    assert.match(written[1]!, /^\S+ WARN {2}!!! NODE_ENV is not "production"\n$/);
    for (const line of written) assert.throws(() => JSON.parse(line));
  });

  it('colours the level only when asked (a terminal)', () => {
    const json = '{"level":"error","time":"2025-01-01T00:00:00.000Z","msg":"boom"}';
    assert.equal(prettyLine(json), '2025-01-01T00:00:00.000Z ERROR boom\n');
    assert.equal(prettyLine(json, true), '2025-01-01T00:00:00.000Z \x1b[31mERROR\x1b[0m boom\n');
  });
});

describe('captureConsole', () => {
  let logs: LogCapture;
  let release: (() => void) | undefined;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => {
    release?.();
    release = undefined;
    logs.restore();
  });

  it('turns console output into log lines: oidc-provider’s warnings and notices (colours removed), and anything else', () => {
    const original = console.warn;
    release = captureConsole();
    console.warn('\x1b[31;1moidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release.\x1b[0m');
    console.info('oidc-provider NOTICE: default %s function called', 'renderError');
    console.log('a plain %d', 42, { a: 1 });
    console.error(new Error('boom'));
    release();
    release = undefined;
    assert.equal(console.warn, original, 'restored');
    const lines = logs.lines();
    assert.deepEqual(
      lines.slice(0, 3).map(({ level, msg, source }) => ({ level, msg, source })),
      [
        {
          level: 'warn',
          msg: 'oidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release.',
          source: 'oidc-provider',
        },
        { level: 'info', msg: 'oidc-provider NOTICE: default renderError function called', source: 'oidc-provider' },
        { level: 'info', msg: 'a plain 42 { a: 1 }', source: 'console' },
      ],
    );
    assert.equal(lines[3]!.level, 'error');
    assert.match(lines[3]!.msg, /^Error: boom\n {4}at /);
  });

  it('turns Node’s process warnings into warn lines', async () => {
    release = captureConsole();
    process.emitWarning('something is deprecated', { type: 'DeprecationWarning', code: 'DEP0999' });
    await new Promise((resolve) => setImmediate(resolve));
    const [line] = logs.find({ source: 'node' });
    assert.ok(line, logs.text());
    assert.equal(line.level, 'warn');
    assert.equal(line.msg, 'something is deprecated');
    assert.equal(line.warning, 'DeprecationWarning');
    assert.equal(line.warning_code, 'DEP0999');
  });
});
