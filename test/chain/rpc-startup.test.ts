/**
 * What the start does with RPC_URLS, against a real local chain (anvil) behind a counting
 * proxy: each endpoint is asked for its chain id once; one answering for another chain stops
 * the start with a ConfigError naming both chain ids and only the endpoint's scheme and host;
 * one that refuses or hangs is a loud warning, the server starts and is ready (readiness
 * depends on the store alone), /readyz reports the chain, and the first contract-wallet
 * sign-in after the endpoint comes back works. The URL's path and query (where providers put
 * the API key) appear nowhere: not in the error, not in /readyz, not on stderr.
 */
import assert from 'node:assert/strict';
import { id, Wallet } from 'ethers';
import supertest from 'supertest';
import { ConfigError } from '../../src/config/config-error.js';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { beginLogin, completeAt, recordStderr, type StderrRecorder } from '../support/chain/contract-login.js';
import { type RpcCounter, startRpcCounter } from '../support/chain/rpc-counter.js';
import { deploySafe, deploySafeInfrastructure, safeSignMessage } from '../support/chain/wallets.js';
import { startServer, type TestServer } from '../support/server.js';

const CHAIN_ID = 31337;
const RPC_TIMEOUT = 1000;
const SECRET = 'SECRETKEY-41b9d2';
const owner = new Wallet(id('rpc-startup.test owner'));

describe('the start with RPC_URLS (anvil)', function () {
  this.timeout(30_000);
  let anvil: Anvil;
  let counter: RpcCounter;
  let stderr: StderrRecorder;
  let safe: string;
  const servers: TestServer[] = [];
  const secretUrl = () => `${counter.url}/v2/${SECRET}?apikey=${SECRET}`;
  const start = async (env: Record<string, string>) => {
    const server = await startServer({ env: { RPC_TIMEOUT: String(RPC_TIMEOUT), ...env } });
    servers.push(server);
    return server;
  };
  const readyz = async (server: TestServer) => {
    const response = await supertest(server.issuer).get('/readyz');
    assert.equal(response.status, 200, `readiness depends on the store alone: ${response.text}`);
    assert.equal(response.body.status, 'ready');
    assert.ok(!response.text.includes(SECRET), response.text);
    return response.body.chains as Record<string, { rpc: string | null; state: string }>;
  };
  const assertNoSecret = (text: string, where: string) => {
    assert.ok(!text.includes(SECRET), `${where} holds the RPC URL's secret:\n${text}`);
    assert.ok(!text.includes('/v2/'), `${where} holds the RPC URL's path:\n${text}`);
  };

  before(async () => {
    stderr = recordStderr();
    anvil = await startAnvil({ chainId: CHAIN_ID });
    safe = await deploySafe([owner], 1, await deploySafeInfrastructure(anvil.accounts[0]!), 1n, anvil.accounts[0]!);
    counter = await startRpcCounter(anvil.url);
  });

  after(async () => {
    stderr?.restore();
    for (const server of servers) await server.close();
    await counter?.close();
    await anvil?.stop();
  });

  beforeEach(async () => {
    await counter.setMode('forward');
    counter.reset();
    stderr.take();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') stderr.replay();
  });

  it('a healthy endpoint is asked eth_chainId once, nothing else, and /readyz says ok', async () => {
    const server = await start({ CHAIN_IDS: String(CHAIN_ID), RPC_URLS: `${CHAIN_ID}=${secretUrl()}` });
    assert.deepEqual(counter.counts(), { eth_chainId: 1 });
    const chains = await readyz(server);
    assert.deepEqual(Object.keys(chains), [String(CHAIN_ID)]);
    assert.equal(chains[CHAIN_ID]!.rpc, counter.url);
    assert.equal(chains[CHAIN_ID]!.state, 'ok');
    await readyz(server);
    assert.equal(counter.count(), 1, 'polling /readyz sends nothing to the RPC');
    assert.doesNotMatch(stderr.take(), /!!!/, 'no warning');
  });

  it('an endpoint answering for another chain id stops the start: ConfigError naming both chain ids and only scheme and host', async () => {
    // CHAIN_IDS 1 and 31337; the URL given for chain 1 is anvil's, which answers 31337.
    const failure = await startServer({
      env: { CHAIN_IDS: `1,${CHAIN_ID}`, RPC_URLS: `1=${secretUrl()}`, RPC_TIMEOUT: String(RPC_TIMEOUT) },
    }).then(
      () => assert.fail('the server started'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof ConfigError, String(failure));
    assert.equal(failure.problems.length, 1, failure.message);
    const [problem] = failure.problems;
    assert.match(problem!, /chain 1\b/);
    assert.match(problem!, new RegExp(`chain ${CHAIN_ID}\\b`));
    assert.ok(problem!.includes(`(${counter.url})`), `names the endpoint by scheme and host: ${problem}`);
    assertNoSecret(failure.message, 'the ConfigError');
    assertNoSecret(failure.stack ?? '', 'its stack');
    assert.deepEqual(counter.counts(), { eth_chainId: 1 });
    assertNoSecret(stderr.take(), 'stderr');
  });

  it('an endpoint that refuses connections: a loud warning, the server starts, is ready, and signs a Safe in once the endpoint is back', async () => {
    await counter.setMode('refuse');
    const server = await start({ CHAIN_IDS: String(CHAIN_ID), RPC_URLS: `${CHAIN_ID}=${secretUrl()}` });
    const warning = stderr.take();
    assert.match(
      warning,
      /"level":"warn","time":"[^"]+","msg":"!!! RPC_URLS: chain 31337's RPC \(http:\/\/127\.0\.0\.1:\d+\) did not answer/,
    );
    assert.ok(warning.includes(counter.url), warning);
    assert.match(warning, /fail closed \(503\)/);
    assertNoSecret(warning, 'the start-up warning');
    const chain = (await readyz(server))[CHAIN_ID]!;
    assert.equal(chain.rpc, counter.url);
    assert.equal(chain.state, 'unavailable', 'the probe observed the refusal');

    // An EOA signs in meanwhile, without the RPC.
    const wallet = Wallet.createRandom();
    const eoa = await beginLogin(server, wallet.address);
    assert.equal((await completeAt(server, eoa, await eoa.send(await wallet.signMessage(eoa.message)))).idToken.wallet_type, 'eoa');

    // The endpoint comes back: the next contract-wallet sign-in asks it again and succeeds.
    await counter.setMode('forward');
    counter.reset();
    const pending = await beginLogin(server, safe);
    const login = await pending.send(safeSignMessage(safe, CHAIN_ID, pending.message, [owner]));
    assert.deepEqual(counter.counts(), { eth_call: 1 });
    const { idToken } = await completeAt(server, pending, login);
    assert.equal(idToken.sub, safe);
    assert.equal(idToken.wallet_type, 'eip1271');
    assert.equal((await readyz(server))[CHAIN_ID]!.state, 'ok');
    assertNoSecret(stderr.take(), 'stderr');
  });

  it('an endpoint that hangs: the start waits at most RPC_TIMEOUT for it, then starts with the chain unavailable', async () => {
    await counter.setMode('hang');
    const started = performance.now();
    const server = await start({ CHAIN_IDS: String(CHAIN_ID), RPC_URLS: `${CHAIN_ID}=${secretUrl()}` });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < RPC_TIMEOUT + 1000, `the start took ${Math.round(elapsed)} ms`);
    assert.deepEqual(counter.counts(), { eth_chainId: 1 });
    const warning = stderr.take();
    assert.match(warning, /did not answer within 1000 ms/);
    assertNoSecret(warning, 'the start-up warning');
    assert.equal((await readyz(server))[CHAIN_ID]!.state, 'unavailable');
  });

  it('nothing written to stderr in this file holds the RPC URL’s path or query', () => {
    assert.match(stderr.all(), /!!! RPC_URLS/, 'the recorder saw the warnings');
    assertNoSecret(stderr.all(), 'stderr');
  });
});
