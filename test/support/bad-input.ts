/**
 * What the bad-input tests share (test/interaction/bad-input.test.ts,
 * test/cross-device/bad-input.test.ts): a server on one store with the limits
 * off (a corpus is a flood from one address, and a limit's count is a write;
 * the limits have tests of their own), a probe on its store, every ERROR log
 * line captured; and the check each answer must pass, once as a JSON caller
 * and once as a browser: the expected status and `error` code, no stack
 * trace, no write, nothing logged as an ERROR.
 */
import { randomBytes } from 'node:crypto';
import { generateJwks } from '../../src/config/keys.js';
import { log } from '../../src/log.js';
import { type RawRequest, type RawResponse, rawRequest } from './raw-request.js';
import { type Backend, newNamespace, startServer, type TestServer } from './server.js';
import { probeStore, type StoreProbe } from './store-probe.js';

export interface BadInputCase {
  name: string;
  status: number;
  error: string;
  request: RawRequest;
}

export const JSON_TYPE = { 'Content-Type': 'application/json' };
export const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** The `error` code of an answer: the JSON member, or the code the HTML error page shows. */
function errorCodeOf(response: RawResponse): string | undefined {
  const type = String(response.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) return (JSON.parse(response.text) as { error?: string }).error;
  if (type.startsWith('text/html')) return /<p class="error-code">([^<]*)<\/p>/.exec(response.text)?.[1];
  return undefined;
}

export interface BadInputHarness {
  /** Set by the `before` hook badInputHarness() registers. */
  server: TestServer;
  probe: StoreProbe;
  /** ERROR lines logged since the last check. */
  logged: string[];
}

/** Registers, in the calling `describe`, the hooks that start and stop the server on `backend`. */
export function badInputHarness(backend: Backend): BadInputHarness {
  const harness = { logged: [] } as unknown as BadInputHarness;
  const logError = log.error;
  const namespace = newNamespace();
  before(async () => {
    harness.server = await startServer({
      backend,
      env: { RATE_LIMITS: 'off' },
      shared: { jwks: await generateJwks(), cookieKeys: [randomBytes(32).toString('hex')], namespace },
    });
    harness.probe = await probeStore(harness.server.store, namespace);
    log.error = (message, fields) => harness.logged.push(`${message} ${JSON.stringify(fields)}`);
  });
  after(async () => {
    log.error = logError;
    await harness.probe?.close();
    await harness.server?.close();
  });
  return harness;
}

/** Sends every case as a JSON caller and as a browser; what went wrong, one line each (none: an empty list). */
export async function problemsIn({ server, probe, logged }: BadInputHarness, cases: readonly BadInputCase[]): Promise<string[]> {
  const origin = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  const failures: string[] = [];
  for (const item of cases) {
    for (const accept of ['application/json', 'text/html']) {
      const label = `${item.name} (Accept: ${accept})`;
      const keys = await probe.keys();
      const response = await rawRequest(origin, { ...item.request, headers: { Accept: accept, ...item.request.headers } });
      const writes = probe.takeWrites();
      const keysAfter = await probe.keys();
      const error = errorCodeOf(response);
      if (response.status !== item.status || error !== item.error) {
        failures.push(`${label}: expected ${item.status} ${item.error}, got ${response.status} ${error ?? response.text.slice(0, 200)}`);
      }
      if (/\bat .+:\d+:\d+/.test(response.text)) failures.push(`${label}: a stack trace in the answer`);
      if (writes.length > 0 || keysAfter !== keys) failures.push(`${label}: wrote ${writes.join(', ') || `${keysAfter - keys} keys`}`);
      if (logged.length > 0) failures.push(`${label}: logged ${logged.splice(0).join('; ')}`);
    }
  }
  return failures;
}
