/**
 * The client's address behind proxies (TRUST_PROXY): read from the right of
 * X-Forwarded-For past trusted hops only, so a client writing its own
 * X-Forwarded-For entries cannot reset a per-address limit.
 */
import assert from 'node:assert/strict';
import { parseTrustProxy } from '../../src/config/trust-proxy.js';
import { clientAddressResolver, normalizeAddress } from '../../src/web/client-address.js';
import { startMain } from '../support/config.js';
import { startServer, type TestServer } from '../support/server.js';

function resolverFor(raw: string) {
  const problems: string[] = [];
  const trust = parseTrustProxy(raw, problems);
  assert.deepEqual(problems, []);
  return clientAddressResolver(trust);
}

describe('the client address', () => {
  it('with TRUST_PROXY off is the TCP peer, whatever X-Forwarded-For says', () => {
    const resolve = resolverFor('false');
    assert.equal(resolve('192.0.2.10', '203.0.113.9'), '192.0.2.10');
    assert.equal(resolve('::ffff:192.0.2.10', undefined), '192.0.2.10');
  });

  it('with N hops is the N-th entry from the right (true is one hop)', () => {
    assert.equal(resolverFor('true')('10.0.0.1', 'spoofed, 203.0.113.9'), '203.0.113.9');
    const two = resolverFor('2');
    assert.equal(two('10.0.0.1', 'spoofed, 203.0.113.9, 10.0.0.2'), '203.0.113.9');
    assert.equal(two('10.0.0.1', '203.0.113.9'), '203.0.113.9', 'fewer entries than hops: the left-most');
    assert.equal(two('10.0.0.1', undefined), '10.0.0.1', 'no header: the peer');
    assert.equal(two('10.0.0.1', ' , '), '10.0.0.1');
  });

  it('with proxy addresses is the right-most untrusted entry, and only when the peer is a trusted proxy', () => {
    const resolve = resolverFor('10.0.0.0/8, 2001:db8::/32, 192.0.2.7');
    assert.equal(resolve('10.1.2.3', 'spoofed, 198.51.100.4, 10.9.9.9'), '198.51.100.4');
    assert.equal(resolve('::ffff:10.1.2.3', '198.51.100.4:5123'), '198.51.100.4', 'mapped peer, entry with a port');
    assert.equal(resolve('2001:db8::5', '[2001:DB8:1::9]:443, [2001:db8::6]'), '2001:db8:1::9');
    assert.equal(resolve('192.0.2.7', '10.0.0.5, 10.0.0.6'), '10.0.0.5', 'all trusted: the left-most');
    assert.equal(resolve('192.0.2.7', undefined), '192.0.2.7');
    assert.equal(resolve('198.51.100.99', '10.0.0.5, 203.0.113.1'), '198.51.100.99', 'an untrusted peer: X-Forwarded-For ignored');
    assert.equal(resolve('10.0.0.1', 'spoofed, unknown'), 'unknown', 'what the trusted proxy wrote, even if not an address');
  });

  it('normalizes the forms proxies write', () => {
    assert.equal(normalizeAddress(' 192.0.2.1:80 '), '192.0.2.1');
    assert.equal(normalizeAddress('[::1]:8080'), '::1');
    assert.equal(normalizeAddress('[::FFFF:192.0.2.1]'), '192.0.2.1');
    assert.equal(normalizeAddress('2001:DB8::1'), '2001:db8::1');
  });

  it('a bad TRUST_PROXY stops the start with a message saying what to set', async () => {
    const { code, stderr } = await startMain({ TRUST_PROXY: 'the-load-balancer', PORT: '0', LOG_LEVEL: 'silent' });
    assert.equal(code, 1);
    // The refusal is a JSON log line: its quotes are escaped.
    assert.match(stderr, /TRUST_PROXY must be false, a number of proxy hops .* got \\"the-load-balancer\\"/);
  });
});

describe('per-address limits behind proxies cannot be reset by a forged X-Forwarded-For', () => {
  const metadata = JSON.stringify({ redirect_uris: ['https://rp.example.test/callback'] });
  const register = (server: TestServer, forwardedFor: string) =>
    fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: metadata,
    });

  // The test client connects from 127.0.0.1: as the proxy, or as a client bypassing it.
  const cases: Array<[string, string, string]> = [
    ['one hop', '1', 'the proxy appends the real address'],
    ["the proxy's address", '127.0.0.1', 'the proxy appends the real address'],
    ['a proxy range the peer is not in', '10.0.0.0/8', 'X-Forwarded-For is ignored'],
  ];
  for (const [name, trustProxy, what] of cases) {
    it(`TRUST_PROXY=${trustProxy} (${name}): ${what}`, async () => {
      const server = await startServer({ env: { REGISTRATION: 'open', REGISTRATION_RATE_LIMIT: '2/hour', TRUST_PROXY: trustProxy } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i += 1) statuses.push((await register(server, `203.0.113.${i}, 198.51.100.7`)).status);
        assert.deepEqual(statuses, [201, 201, 429, 429]);
        if (trustProxy !== '10.0.0.0/8') {
          assert.equal((await register(server, '198.51.100.8')).status, 201, 'another real address has its own count');
        }
      } finally {
        await server.close();
      }
    });
  }
});
