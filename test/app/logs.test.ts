/**
 * `npm start`'s output, from a spawned server: every line it writes, on stderr
 * and stdout, is one JSON object (oidc-provider's own warnings and the
 * refusal of a bad configuration included); LOG_FORMAT=pretty is for people;
 * a request's lines carry its X-Request-Id.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../support/redis-server.js';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stderr line holding `text`. */
  line(text: string): Promise<string>;
  /** Sends SIGTERM (unless it already exited) and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code. */
  exit(): Promise<number | null>;
}

function start(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    line: (text) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const found = stderr.split('\n').find((line) => line.includes(text));
          if (found) {
            child.stderr.off('data', look);
            resolve(found);
          }
        };
        child.stderr.on('data', look);
        look();
        void exited.then(([code]) => reject(new Error(`exited ${code} before writing "${text}":\n${stderr}`)));
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
    exit: async () => (await exited)[0],
  };
}

/** Every line of `output`, each parsed; fails on the first line that is not a JSON object with level, time and msg. */
function jsonLines(output: string): Record<string, unknown>[] {
  const lines = output.split('\n');
  assert.equal(lines.pop(), '', 'the output ends with a line break');
  return lines.map((line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      assert.fail(`not a JSON line: ${line}`);
    }
    assert.ok(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), line);
    const object = parsed as Record<string, unknown>;
    assert.ok(['info', 'warn', 'error', 'fatal'].includes(String(object.level)), line);
    assert.match(String(object.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, line);
    assert.equal(typeof object.msg, 'string', line);
    return object;
  });
}

describe('the server’s log output', function () {
  this.timeout(30_000);

  it('is one JSON object per line, from the start to the stop, with the request ids of the requests served', async () => {
    const port = await freePort();
    const server = start({ PORT: String(port), SHUTDOWN_TIMEOUT: '0' });
    try {
      await server.line('siwe-idp listening on port');
      const origin = `http://localhost:${port}`;
      const discovery = await fetch(`${origin}/.well-known/openid-configuration`, { headers: { 'X-Request-Id': 'spawned-1' } });
      assert.equal(discovery.status, 200);
      assert.equal(discovery.headers.get('x-request-id'), 'spawned-1');
      const login = await fetch(`${origin}/interaction/nothing/login`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Request-Id': 'spawned-2',
          Cookie: '_interaction=secret-cookie',
        },
        body: JSON.stringify({ message: 'hello', signature: '0xsecret-signature' }),
      });
      assert.equal(login.status, 400);
      assert.equal(login.headers.get('x-request-id'), 'spawned-2');
      const { reference } = (await login.json()) as { reference: string };
      await server.line(`"reference":"${reference}"`);
    } finally {
      assert.equal(await server.stop(), 0, server.stderr());
    }

    assert.equal(server.stdout(), '', 'nothing on stdout');
    const lines = jsonLines(server.stderr());
    const messages = lines.map((line) => line.msg);
    if (NODE_MAJOR < 22) {
      const warning = lines.find((line) => String(line.msg).startsWith('oidc-provider WARNING: Unsupported runtime'));
      assert.ok(warning, `oidc-provider's warning is a JSON line:\n${server.stderr()}`);
      assert.equal(warning.level, 'warn');
      assert.equal(warning.source, 'oidc-provider');
      assert.ok(!String(warning.msg).includes('\x1b'), 'without colour codes');
    }
    assert.ok(
      messages.some((msg) => String(msg).startsWith('!!! ')),
      'the start-up warnings',
    );
    const listening = lines.find((line) => String(line.msg).startsWith('siwe-idp listening on port'));
    assert.deepEqual(Object.keys(listening!.crypto as object).sort(), ['keccak', 'secp256k1']);
    const event = lines.find((line) => line.event === 'login');
    assert.equal(event?.request_id, 'spawned-2');
    assert.equal(event?.outcome, 'invalid_interaction');
    assert.ok(messages.includes('stopped'), 'the stop');
    assert.ok(!server.stderr().includes('secret-cookie') && !server.stderr().includes('secret-signature'), 'no cookie or signature');
  });

  it('LOG_FORMAT=pretty writes a readable line per entry', async () => {
    const server = start({ PORT: String(await freePort()), SHUTDOWN_TIMEOUT: '0', LOG_FORMAT: 'pretty' });
    let line: string;
    try {
      line = await server.line('siwe-idp listening on port');
    } finally {
      assert.equal(await server.stop(), 0, server.stderr());
    }
    assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}siwe-idp listening on port \d+ \{"issuer":/);
    const lines = server.stderr().split('\n').filter(Boolean);
    assert.ok(lines.length >= 3, server.stderr());
    for (const text of lines) {
      assert.match(text, /^\S+Z (INFO |WARN |ERROR|FATAL) /, text);
      assert.throws(() => JSON.parse(text), `not JSON: ${text}`);
    }
  });

  it('a bad LOG_FORMAT is refused at start, in a JSON line written even with LOG_LEVEL=silent', async () => {
    for (const env of [{ LOG_FORMAT: 'yaml' }, { LOG_FORMAT: 'yaml', LOG_LEVEL: 'silent' }] as Record<string, string>[]) {
      const server = start({ PORT: '0', ...env });
      assert.equal(await server.exit(), 1, server.stderr());
      const lines = jsonLines(server.stderr());
      const fatal = lines.find((line) => line.level === 'fatal');
      assert.ok(fatal, server.stderr());
      assert.equal(fatal.msg, 'siwe-idp cannot start: invalid configuration');
      assert.deepEqual(fatal.problems, ['LOG_FORMAT must be one of json, pretty, got "yaml"']);
      assert.equal(fatal.help, 'Run with --help for the settings.');
      if (env.LOG_LEVEL === 'silent') assert.deepEqual(lines, [fatal], 'nothing but the refusal');
    }
  });
});
