/**
 * RPC calls, counted (ChainRpc's observer, with the metrics): each call by
 * chain, JSON-RPC method and result (ok, reverted: the contract's verdict,
 * timeout, error), and its time; against a local JSON-RPC endpoint. The
 * application counts its chains' calls from the start (RPC_URLS' probe). The
 * ENS RPC's calls are counted the same way, as chain_id="ens".
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallRejectedError, ChainRpc, ChainUnavailableError } from '../../src/chain/chain-rpc.js';
import { EnsChain, EnsUnavailableError } from '../../src/ens/ens-chain.js';
import { Metrics } from '../../src/metrics/registry.js';
import { parseExposition, sampleValue } from './exposition.js';
import { scrape, start } from './metrics-app.js';

type Mode = 'answer' | 'revert' | 'http-error' | 'hang';

/**
 * The exposition after a test's calls, with no RPC URL in it (it may hold an API key), and readers of
 * `chain`'s call counts and timed calls.
 */
async function observed(metrics: Metrics, chain: string) {
  const text = (await metrics.exposition()).body;
  assert.ok(!text.includes('SECRET-KEY') && !text.includes('127.0.0.1'), 'no URL in the metrics');
  const samples = parseExposition(text);
  return {
    samples,
    calls: (method: string, result: string) => sampleValue(samples, 'siwe_idp_rpc_calls_total', { chain_id: chain, method, result }),
    callCount: (method: string) => sampleValue(samples, 'siwe_idp_rpc_call_duration_seconds_count', { chain_id: chain, method }),
  };
}

describe('RPC calls in the metrics', function () {
  this.timeout(10_000);
  let server: Server;
  let url: string;
  let mode: Mode = 'answer';

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        if (mode === 'hang') return;
        if (mode === 'http-error') {
          response.writeHead(502).end('bad gateway');
          return;
        }
        const { id, method } = JSON.parse(body) as { id: number; method: string };
        const reply =
          mode === 'revert' && method === 'eth_call'
            ? { jsonrpc: '2.0', id, error: { code: 3, message: 'execution reverted', data: '0x' } }
            : { jsonrpc: '2.0', id, result: method === 'eth_chainId' ? '0x1' : `0x${'00'.repeat(31)}01` };
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/SECRET-KEY`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('counts ok, reverted, timeout and error calls by chain and method, timed', async () => {
    const metrics = new Metrics();
    const rpc = new ChainRpc(1, url, 300, (...call) => metrics.rpcCall(...call));
    try {
      mode = 'answer';
      assert.equal(await rpc.reportedChainId(), 1);
      await rpc.call({ to: '0x0000000000000000000000000000000000000001', data: '0x' });
      mode = 'revert';
      await assert.rejects(rpc.call({ to: '0x0000000000000000000000000000000000000001', data: '0x' }), CallRejectedError);
      mode = 'http-error';
      await assert.rejects(rpc.call({ data: '0x' }), ChainUnavailableError);
      mode = 'hang';
      await assert.rejects(rpc.call({ data: '0x' }), ChainUnavailableError);
    } finally {
      rpc.destroy();
    }
    const { samples, calls, callCount } = await observed(metrics, '1');
    assert.equal(calls('eth_chainId', 'ok'), 1);
    assert.equal(calls('eth_call', 'ok'), 1);
    assert.equal(calls('eth_call', 'reverted'), 1);
    assert.equal(calls('eth_call', 'error'), 1);
    assert.equal(calls('eth_call', 'timeout'), 1);
    assert.equal(callCount('eth_call'), 4);
    const seconds = sampleValue(samples, 'siwe_idp_rpc_call_duration_seconds_sum', { chain_id: '1', method: 'eth_call' });
    assert.ok(seconds >= 0.29, `the timed-out call took RPC_TIMEOUT (300 ms): ${seconds} s in all`);
  });

  it('counts the ENS RPC\'s calls as chain_id="ens": ok, reverted, error and timeout, timed', async () => {
    const metrics = new Metrics();
    const ens = new EnsChain(url, '0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e', 300, (...call) => metrics.rpcCall(...call));
    try {
      mode = 'answer';
      assert.equal(await ens.chainId(), 1n);
      mode = 'revert';
      // The registry reverts for the name and for its parent: no resolver (the contract's verdict, twice).
      assert.equal(await ens.resolverOf('alice.eth'), undefined);
      mode = 'http-error';
      await assert.rejects(ens.resolverOf('alice.eth'), EnsUnavailableError);
      mode = 'hang';
      await assert.rejects(ens.resolverOf('alice.eth'), EnsUnavailableError);
    } finally {
      ens.destroy();
    }
    const { calls, callCount } = await observed(metrics, 'ens');
    assert.equal(calls('eth_chainId', 'ok'), 1);
    assert.equal(calls('eth_call', 'reverted'), 2);
    assert.equal(calls('eth_call', 'error'), 1);
    assert.equal(calls('eth_call', 'timeout'), 1);
    assert.equal(callCount('eth_call'), 4);
  });

  it("the application with RPC_URLS counts its chains' calls, the start's chain id probe first", async () => {
    mode = 'answer';
    const running = await start('memory', { RPC_URLS: `1=${url}` });
    try {
      const { samples } = await scrape(running);
      assert.equal(sampleValue(samples, 'siwe_idp_rpc_calls_total', { chain_id: '1', method: 'eth_chainId', result: 'ok' }), 1);
      assert.equal(sampleValue(samples, 'siwe_idp_rpc_call_duration_seconds_count', { chain_id: '1', method: 'eth_chainId' }), 1);
    } finally {
      await running.close();
    }
  });
});
