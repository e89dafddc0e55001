/**
 * Contract wallets sign in end to end, against the real server whose RPC_URLS points at a
 * counting proxy (rpc-counter) in front of a real local chain (anvil) with Safe 1.4.1 and
 * ERC-4337 0.8 accounts deployed from their published artifacts: each login goes from the
 * authorization request to the relying party, and its tokens say how it was proven
 * (`wallet_type`). Counted: exactly one eth_call per contract-wallet login, none for an EOA.
 * Then the refusals without an RPC for the chain, and the RPC outages (hanging, refusing,
 * answering 500, anvil frozen): 503 chain_unavailable within RPC_TIMEOUT + 1 s, the nonce
 * kept for a retry, EOAs unaffected, /readyz following the state, and the RPC URL's path and
 * query (its "API key") never in an answer, /readyz or a log line.
 */
import assert from 'node:assert/strict';
import { type BaseWallet, id, Interface, Wallet, ZeroAddress } from 'ethers';
import supertest from 'supertest';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { assertRefused, beginLogin, completeAt, recordStderr, type StderrRecorder } from '../support/chain/contract-login.js';
import { type RpcCounter, startRpcCounter } from '../support/chain/rpc-counter.js';
import {
  type CounterfactualSafe,
  counterfactualSafe,
  delegate7702,
  deployEntryPointAndSimpleAccount,
  deploySafe,
  deploySafeInfrastructure,
  deploySimple7702Account,
  type SafeInfrastructure,
  safeSignMessage,
  wrap6492,
} from '../support/chain/wallets.js';
import { startServer, type TestServer } from '../support/server.js';

const CHAIN_ID = 31337;
const RPC_TIMEOUT = 1000;
/** The "API key" of the RPC URL: in its path and its query, as providers put it. */
const SECRET = 'SECRETKEY-7c1e0a';
/** Fixed keys, so that a failure replays the same addresses. */
const key = (name: string) => new Wallet(id(`contract-wallet-sign-in.test ${name}`));
const owners = [key('owner 0'), key('owner 1'), key('owner 2')];
const stranger = key('stranger');

describe('contract wallets sign in through the RPC of their chain (anvil)', function () {
  this.timeout(60_000);
  let anvil: Anvil;
  let counter: RpcCounter;
  let server: TestServer;
  let stderr: StderrRecorder;
  let infra: SafeInfrastructure;
  let safe1of1: string;
  let safe2of3: string;
  let simpleAccount: string;
  let eoa7702: Wallet;

  const sign = (account: string, message: string, signers: readonly BaseWallet[]) => safeSignMessage(account, CHAIN_ID, message, signers);
  const readyz = async (on: TestServer) => {
    const response = await supertest(on.issuer).get('/readyz');
    assert.equal(response.status, 200, response.text);
    assert.ok(!response.text.includes(SECRET), `/readyz shows the RPC URL's secret: ${response.text}`);
    return response.body as { status: string; chains: Record<string, { rpc: string | null; state: string; since?: string }> };
  };

  before(async () => {
    stderr = recordStderr();
    anvil = await startAnvil({ chainId: CHAIN_ID });
    const deployer = anvil.accounts[0]!;
    infra = await deploySafeInfrastructure(deployer);
    safe1of1 = await deploySafe([owners[0]!], 1, infra, 1n, deployer);
    safe2of3 = await deploySafe(owners, 2, infra, 2n, deployer);
    simpleAccount = await deployEntryPointAndSimpleAccount(deployer, owners[0]!);
    eoa7702 = key('7702');
    await delegate7702(eoa7702, await deploySimple7702Account(deployer), anvil.provider, deployer);
    counter = await startRpcCounter(anvil.url);
    server = await startServer({
      env: {
        CHAIN_IDS: String(CHAIN_ID),
        RPC_URLS: `${CHAIN_ID}=${counter.url}/v2/${SECRET}?apikey=${SECRET}`,
        RPC_TIMEOUT: String(RPC_TIMEOUT),
      },
    });
  });

  after(async () => {
    stderr?.restore();
    await server?.close();
    await counter?.close();
    anvil?.resume();
    await anvil?.stop();
  });

  beforeEach(async () => {
    await counter.setMode('forward');
    counter.reset();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') stderr.replay();
  });

  /** Exactly one JSON-RPC request reached the chain, and it was an eth_call. */
  const assertOneEthCall = (what: string) => assert.deepEqual(counter.counts(), { eth_call: 1 }, what);
  const assertNoRpc = (what: string) => {
    assert.equal(counter.count(), 0, what);
    assert.equal(counter.httpRequests(), 0, what);
  };

  it('the server asked the RPC for its chain id at start and /readyz reports the chain ok (scheme and host only)', async () => {
    const { chains } = await readyz(server);
    assert.deepEqual(Object.keys(chains), [String(CHAIN_ID)]);
    assert.equal(chains[CHAIN_ID]!.rpc, counter.url);
    assert.equal(chains[CHAIN_ID]!.state, 'ok');
  });

  describe('with an RPC for the chain', () => {
    it('a 1-of-1 Safe signs in through ERC-1271: sub is the Safe, wallet_type eip1271 (ID token and userinfo), one eth_call', async () => {
      const pending = await beginLogin(server, safe1of1);
      counter.reset();
      const login = await pending.send(sign(safe1of1, pending.message, [owners[0]!]));
      assertOneEthCall('one ERC-1271 call');
      const { idToken, userinfo } = await completeAt(server, pending, login);
      const claims = { ethereum_address: safe1of1, chain_id: CHAIN_ID, caip10_account_id: `eip155:${CHAIN_ID}:${safe1of1}` };
      assert.equal(idToken.sub, safe1of1);
      assert.equal(idToken.wallet_type, 'eip1271');
      assert.deepEqual(
        { ethereum_address: idToken.ethereum_address, chain_id: idToken.chain_id, caip10_account_id: idToken.caip10_account_id },
        claims,
      );
      assert.deepEqual(userinfo, { sub: safe1of1, ...claims, wallet_type: 'eip1271' });
      assert.deepEqual(counter.counts(), { eth_call: 1 }, 'the code exchange and userinfo ask the chain nothing');
    });

    it('a 2-of-3 Safe signs in with two owners’ signatures (130 bytes): eip1271, one eth_call', async () => {
      const pending = await beginLogin(server, safe2of3);
      const signature = sign(safe2of3, pending.message, [owners[2]!, owners[1]!]);
      assert.equal(signature.length, 2 + 2 * 130);
      counter.reset();
      const login = await pending.send(signature);
      assertOneEthCall('one ERC-1271 call');
      const { idToken, userinfo } = await completeAt(server, pending, login);
      assert.equal(idToken.sub, safe2of3);
      assert.equal(idToken.wallet_type, 'eip1271');
      assert.equal(userinfo.sub, safe2of3);
      assert.equal(userinfo.wallet_type, 'eip1271');
    });

    it('refuses a non-owner’s signature and one owner’s of a 2-of-3 Safe (400 invalid_signature, one eth_call each), burning nothing', async () => {
      const pending1 = await beginLogin(server, safe1of1);
      counter.reset();
      const description = assertRefused(await pending1.send(sign(safe1of1, pending1.message, [stranger])), 400, 'invalid_signature');
      assert.match(description, new RegExp(safe1of1));
      assertOneEthCall('the stranger’s signature: one call');

      const pending2 = await beginLogin(server, safe2of3);
      for (const signers of [[owners[0]!], [owners[0]!, stranger]]) {
        counter.reset();
        assertRefused(await pending2.send(sign(safe2of3, pending2.message, signers)), 400, 'invalid_signature');
        assertOneEthCall(`${signers.length} signature(s): one call`);
      }
      // The refusals burnt neither nonce: the owners' signatures of the same messages still sign in.
      const login = await pending2.send(sign(safe2of3, pending2.message, [owners[0]!, owners[1]!]));
      assert.equal((await completeAt(server, pending2, login)).idToken.sub, safe2of3);
      const login1 = await pending1.send(sign(safe1of1, pending1.message, [owners[0]!]));
      assert.equal((await completeAt(server, pending1, login1)).idToken.wallet_type, 'eip1271');
    });

    describe('a counterfactual Safe', () => {
      let cf: CounterfactualSafe;
      before(() => {
        cf = counterfactualSafe([owners[1]!], 1, infra, 6492n);
      });

      it('signs in with an ERC-6492 signature whose factory call is createProxyWithNonce (eip6492), deploying nothing', async () => {
        assert.equal(await anvil.provider.getCode(cf.address), '0x');
        assert.equal(cf.factory, infra.proxyFactory);
        const factory = new Interface(['function createProxyWithNonce(address,bytes,uint256)']);
        assert.equal(factory.parseTransaction({ data: cf.factoryCalldata })?.name, 'createProxyWithNonce');

        const pending = await beginLogin(server, cf.address);
        const wrapped = wrap6492(cf.factory, cf.factoryCalldata, sign(cf.address, pending.message, [owners[1]!]));
        counter.reset();
        const login = await pending.send(wrapped);
        assertOneEthCall('one deployless eth_call of the universal validator');
        const { idToken, userinfo } = await completeAt(server, pending, login);
        assert.equal(idToken.sub, cf.address);
        assert.equal(idToken.wallet_type, 'eip6492');
        assert.equal(userinfo.wallet_type, 'eip6492');
        assert.equal(await anvil.provider.getCode(cf.address), '0x', 'the login deployed nothing');
      });

      it('a stranger’s wrapped signature is refused (400 invalid_signature), one eth_call', async () => {
        const pending = await beginLogin(server, cf.address);
        counter.reset();
        const wrapped = wrap6492(cf.factory, cf.factoryCalldata, sign(cf.address, pending.message, [stranger]));
        assertRefused(await pending.send(wrapped), 400, 'invalid_signature');
        assertOneEthCall('one call');
      });

      it('once deployed, the same account signs in through ERC-1271 (eip1271), and still with the wrapped signature', async () => {
        assert.equal(await deploySafe([owners[1]!], 1, infra, 6492n, anvil.accounts[0]!), cf.address);
        const pending = await beginLogin(server, cf.address);
        counter.reset();
        const login = await pending.send(sign(cf.address, pending.message, [owners[1]!]));
        assertOneEthCall('one ERC-1271 call');
        const { idToken } = await completeAt(server, pending, login);
        assert.equal(idToken.sub, cf.address);
        assert.equal(idToken.wallet_type, 'eip1271');

        const again = await beginLogin(server, cf.address);
        counter.reset();
        const wrappedLogin = await again.send(wrap6492(cf.factory, cf.factoryCalldata, sign(cf.address, again.message, [owners[1]!])));
        assertOneEthCall('one call');
        assert.equal((await completeAt(server, again, wrappedLogin)).idToken.wallet_type, 'eip6492');
      });
    });

    it('a deployed SimpleAccount 0.8 (no ERC-1271: the call reverts) is refused with 400 invalid_signature, not an outage', async () => {
      const pending = await beginLogin(server, simpleAccount);
      counter.reset();
      assertRefused(await pending.send(await owners[0]!.signMessage(pending.message)), 400, 'invalid_signature');
      assertOneEthCall('one ERC-1271 call, which reverts');
      assert.equal((await readyz(server)).chains[CHAIN_ID]!.state, 'ok', 'a revert is the chain answering');
    });

    describe('an EIP-7702 delegated EOA (Simple7702Account)', () => {
      it('signs in with its own key as an EOA: wallet_type eoa, zero RPC requests', async () => {
        assert.ok((await anvil.provider.getCode(eoa7702.address)).startsWith('0xef0100'), 'delegated');
        const pending = await beginLogin(server, eoa7702.address);
        counter.reset();
        const login = await pending.send(await eoa7702.signMessage(pending.message));
        const { idToken, userinfo } = await completeAt(server, pending, login);
        assertNoRpc('the key recovers the address: no chain call');
        assert.equal(idToken.sub, eoa7702.address);
        assert.equal(idToken.wallet_type, 'eoa');
        assert.equal(userinfo.wallet_type, 'eoa');
      });

      // The address already has code (0xef0100 ‖ implementation), so the universal validator makes
      // no factory call (any factory does; here the zero address with empty calldata) and asks
      // ERC-1271, which Simple7702Account answers for its own key.
      it('signs in with an ERC-6492 wrapper of its own signature (factory: the zero address): eip6492, one eth_call', async () => {
        const pending = await beginLogin(server, eoa7702.address);
        counter.reset();
        const login = await pending.send(wrap6492(ZeroAddress, '0x', await eoa7702.signMessage(pending.message)));
        assertOneEthCall('one deployless eth_call');
        const { idToken } = await completeAt(server, pending, login);
        assert.equal(idToken.sub, eoa7702.address);
        assert.equal(idToken.wallet_type, 'eip6492');
      });

      it('a wrapper of another key’s signature is refused (400 invalid_signature)', async () => {
        const pending = await beginLogin(server, eoa7702.address);
        counter.reset();
        assertRefused(
          await pending.send(wrap6492(ZeroAddress, '0x', await stranger.signMessage(pending.message))),
          400,
          'invalid_signature',
        );
        assertOneEthCall('one call');
      });
    });

    it('EOAs sign in on the chain with an RPC with zero RPC requests', async () => {
      for (const wallet of [anvil.accounts[1]!, Wallet.createRandom()]) {
        const pending = await beginLogin(server, wallet.address);
        counter.reset();
        const login = await pending.send(await wallet.signMessage(pending.message));
        const { idToken } = await completeAt(server, pending, login);
        assert.equal(idToken.sub, wallet.address);
        assert.equal(idToken.wallet_type, 'eoa');
        assertNoRpc(wallet.address);
      }
    });
  });

  describe('while the RPC is down', () => {
    const OUTAGES: { name: string; waits: boolean; start(): Promise<void>; end(): Promise<void> }[] = [
      { name: 'the RPC hangs', waits: true, start: () => counter.setMode('hang'), end: () => counter.setMode('forward') },
      { name: 'the RPC refuses connections', waits: false, start: () => counter.setMode('refuse'), end: () => counter.setMode('forward') },
      { name: 'the RPC answers HTTP 500', waits: false, start: () => counter.setMode('error500'), end: () => counter.setMode('forward') },
      {
        name: 'anvil is frozen (SIGSTOP)',
        waits: true,
        start: async () => anvil.pause(),
        end: async () => anvil.resume(),
      },
    ];

    for (const outage of OUTAGES) {
      it(`${outage.name}: 503 chain_unavailable within RPC_TIMEOUT + 1 s, nonce kept, EOAs still sign in, /readyz follows, no secret anywhere`, async () => {
        const pending = await beginLogin(server, safe1of1);
        const signature = sign(safe1of1, pending.message, [owners[0]!]);
        stderr.take();
        await outage.start();
        try {
          const started = performance.now();
          const refused = await pending.send(signature);
          const elapsed = performance.now() - started;
          const description = assertRefused(refused, 503, 'chain_unavailable');
          assert.match(description, /try again/);
          assert.ok(!refused.text.includes(SECRET), refused.text);
          assert.ok(elapsed < RPC_TIMEOUT + 1000, `answered after ${Math.round(elapsed)} ms`);
          if (outage.waits) assert.ok(elapsed >= RPC_TIMEOUT - 100, `gave up after ${Math.round(elapsed)} ms, before RPC_TIMEOUT`);

          const down = (await readyz(server)).chains[CHAIN_ID]!;
          assert.equal(down.state, 'unavailable');
          assert.equal(down.rpc, counter.url);

          // An EOA on the same chain signs in meanwhile, asking the chain nothing.
          counter.reset();
          const wallet = Wallet.createRandom();
          const eoa = await beginLogin(server, wallet.address);
          const eoaLogin = await eoa.send(await wallet.signMessage(eoa.message));
          assert.equal((await completeAt(server, eoa, eoaLogin)).idToken.wallet_type, 'eoa');
          assertNoRpc('an EOA login during the outage');
        } finally {
          await outage.end();
        }

        // The 503 did not burn the nonce: the same message and signature sign in once the RPC is back.
        counter.reset();
        const login = await pending.send(signature);
        assertOneEthCall('the retry: one call');
        const { idToken } = await completeAt(server, pending, login);
        assert.equal(idToken.sub, safe1of1);
        assert.equal(idToken.wallet_type, 'eip1271');
        assert.equal((await readyz(server)).chains[CHAIN_ID]!.state, 'ok');

        const logged = stderr.take();
        assert.match(logged, /chain_unavailable|could not be reached/, 'the 503 is logged (and the recorder sees it)');
        assert.ok(!logged.includes(SECRET), `a log line holds the RPC URL's secret:\n${logged}`);
      });
    }
  });

  describe('on a chain without an RPC', () => {
    let noRpc: TestServer;
    before(async () => {
      noRpc = await startServer({ env: { CHAIN_IDS: String(CHAIN_ID) } });
    });
    after(() => noRpc?.close());

    it('/readyz lists the chain as no_rpc', async () => {
      const { chains } = await readyz(noRpc);
      assert.deepEqual(chains[CHAIN_ID], { rpc: null, state: 'no_rpc' });
    });

    it('a 2-of-3 Safe’s 130 bytes and an ERC-6492 wrapper get 400 contract_wallet_unsupported; 65 bytes of another key get invalid_signature mentioning smart accounts', async () => {
      const pending = await beginLogin(noRpc, safe2of3);
      const twoOwners = sign(safe2of3, pending.message, [owners[0]!, owners[1]!]);
      assert.match(assertRefused(await pending.send(twoOwners), 400, 'contract_wallet_unsupported'), /smart account/);

      const cf = counterfactualSafe([owners[2]!], 1, infra, 7n);
      const cfPending = await beginLogin(noRpc, cf.address);
      const wrapped = wrap6492(cf.factory, cf.factoryCalldata, sign(cf.address, cfPending.message, [owners[2]!]));
      assertRefused(await cfPending.send(wrapped), 400, 'contract_wallet_unsupported');
      // Even a wrapped signature whose inner signature is the address's own key: the wrapper says "contract".
      const eoaWrapped = wrap6492(ZeroAddress, '0x', await eoa7702.signMessage(cfPending.message));
      assertRefused(await cfPending.send(eoaWrapped), 400, 'contract_wallet_unsupported');

      const onePending = await beginLogin(noRpc, safe1of1);
      const oneOwner = sign(safe1of1, onePending.message, [owners[0]!]);
      assert.equal(oneOwner.length, 2 + 130);
      const description = assertRefused(await onePending.send(oneOwner), 400, 'invalid_signature');
      assert.match(description, /smart account/);
      assert.match(description, /not enabled for chain/);
    });

    it('an EOA still signs in there, and the interaction a refusal left behind is still good for it', async () => {
      const wallet = Wallet.createRandom();
      const pending = await beginLogin(noRpc, wallet.address);
      assertRefused(await pending.send(await stranger.signMessage(pending.message)), 400, 'invalid_signature');
      const { idToken } = await completeAt(noRpc, pending, await pending.send(await wallet.signMessage(pending.message)));
      assert.equal(idToken.chain_id, CHAIN_ID);
      assert.equal(idToken.wallet_type, 'eoa');
    });
  });

  describe('logs', () => {
    it('no line written to stderr in this file (every case above, outages included) holds the RPC URL’s path or query', () => {
      const all = stderr.all();
      assert.match(all, /interaction failed/, 'the recorder saw the server’s log lines');
      assert.ok(!all.includes(SECRET), 'the secret was logged');
      assert.ok(!all.includes('/v2/'), 'the RPC URL’s path was logged');
    });
  });
});
