/**
 * The provider's outbound fetch: special-use peers are refused whatever name
 * leads to them, unless PRIVATE_NETWORK_HOSTS names the host.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSpecialUseAddress, isSpecialUseRefusal, outboundFetch } from '../../src/oidc/outbound-fetch.js';

describe('outbound fetch (SSRF guard)', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  before(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('classifies special-use addresses (IANA registries, IPv4-mapped IPv6 as IPv4)', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '2001:db8::1',
    ]) {
      assert.equal(isSpecialUseAddress(address), true, address);
    }
    for (const address of ['93.184.215.14', '1.1.1.1', '8.8.8.8', '2606:4700::1111', '::ffff:1.1.1.1']) {
      assert.equal(isSpecialUseAddress(address), false, address);
    }
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`refuses http://${host} before sending a request, and says why`, async () => {
      const before = hits;
      const fetch = outboundFetch([]);
      const error = await fetch(`http://${host}:${port}/`, { method: 'GET' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      assert.ok(error, 'the request failed');
      assert.equal(isSpecialUseRefusal(error), true);
      assert.equal(hits, before, 'nothing reached the server');
    });
  }

  it('allows a host PRIVATE_NETWORK_HOSTS names, and only that host', async () => {
    const fetch = outboundFetch(['localhost']);
    const response = await fetch(`http://localhost:${port}/`, { method: 'GET' });
    assert.equal(await response.text(), 'ok');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`, { method: 'GET' }), (error: unknown) => isSpecialUseRefusal(error));
  });

  it('ignores a dispatcher proposed by the caller', async () => {
    const fetch = outboundFetch([]);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`, { method: 'GET', dispatcher: undefined } as RequestInit), (error: unknown) =>
      isSpecialUseRefusal(error),
    );
  });
});
