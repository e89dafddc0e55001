/**
 * Proves the chain test helpers (test/support/chain/) on a real anvil, without any siwe-idp
 * code: Safe 1.4.1 signatures through ERC-1271, a counterfactual Safe through the deployless
 * ERC-6492 validator, SimpleAccount 0.8 (no ERC-1271), an EIP-7702 delegated EOA, plain EOAs,
 * and the RPC counter / anvil controls used to simulate outages.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import {
  AbiCoder,
  type BaseWallet,
  FetchRequest,
  hashMessage,
  Interface,
  id,
  isCallException,
  isError,
  JsonRpcProvider,
  Network,
  type Signer,
  Wallet,
  ZeroAddress,
} from 'ethers';
import { type Anvil, startAnvil } from '../support/chain/anvil.js';
import { deploy } from '../support/chain/artifacts.js';
import { type RpcCounter, startRpcCounter } from '../support/chain/rpc-counter.js';
import { validateSigOffchain } from '../support/chain/validator.js';
import {
  counterfactualSafe,
  delegate7702,
  delegationCode,
  deployEntryPointAndSimpleAccount,
  deploySafe,
  deploySafeInfrastructure,
  deploySimple7702Account,
  isValidSignature1271,
  type SafeInfrastructure,
  safeMessageHash,
  safeSignMessage,
  sign7702Message,
  wrap6492,
} from '../support/chain/wallets.js';

const MESSAGE = 'example.org wants you to sign in with your Ethereum account:\n(a test message)';
const HASH = hashMessage(MESSAGE);
/** Fixed keys, so that a failure replays the same addresses (and the same owner order). */
const key = (name: string) => new Wallet(id(`wallets.test ${name}`));
const owners = [key('owner 0'), key('owner 1'), key('owner 2')];
const stranger = key('stranger');

async function rejectsWith(promise: Promise<unknown>, selectorOf: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isCallException(error) && (error.data ?? '').startsWith(id(selectorOf).slice(0, 10)));
}

describe('chain test helpers on anvil', function () {
  this.timeout(60_000);
  let anvil: Anvil;
  let deployer: Signer;
  let infra: SafeInfrastructure;

  before(async () => {
    anvil = await startAnvil();
    deployer = anvil.accounts[0]!;
    infra = await deploySafeInfrastructure(deployer);
  });

  after(async () => {
    await anvil?.stop();
  });

  describe('Safe 1.4.1 (CompatibilityFallbackHandler)', () => {
    it('a 1-of-1 Safe accepts its owner’s signature of hashMessage(message), not a stranger’s', async () => {
      const safe = await deploySafe([owners[0]!], 1, infra, 1n, deployer);
      const valid = await isValidSignature1271(anvil.provider, safe, HASH, safeSignMessage(safe, anvil.chainId, MESSAGE, [owners[0]!]));
      assert.deepEqual(valid, { outcome: 'valid' });
      const byStranger = await isValidSignature1271(anvil.provider, safe, HASH, safeSignMessage(safe, anvil.chainId, MESSAGE, [stranger]));
      assert.equal(byStranger.outcome, 'reverted'); // GS026: not an owner
      const otherMessage = await isValidSignature1271(
        anvil.provider,
        safe,
        hashMessage('another'),
        safeSignMessage(safe, anvil.chainId, MESSAGE, [owners[0]!]),
      );
      assert.notEqual(otherMessage.outcome, 'valid');
    });

    it('signs the digest the handler computes (getMessageHashForSafe of abi.encode(hash))', async () => {
      const safe = await deploySafe([owners[0]!], 1, infra, 2n, deployer);
      const handler = new Interface(['function getMessageHashForSafe(address safe, bytes message) view returns (bytes32)']);
      const data = handler.encodeFunctionData('getMessageHashForSafe', [safe, AbiCoder.defaultAbiCoder().encode(['bytes32'], [HASH])]);
      const onChain = await anvil.provider.call({ to: infra.fallbackHandler, data });
      assert.equal(onChain, safeMessageHash(safe, anvil.chainId, HASH));
    });

    it('a 2-of-3 Safe accepts two owners’ signatures (any order given), not one, not an owner and a stranger', async () => {
      const safe = await deploySafe(owners, 2, infra, 3n, deployer);
      const sign = (signers: BaseWallet[]) => safeSignMessage(safe, anvil.chainId, MESSAGE, signers);
      for (const pair of [
        [owners[0]!, owners[1]!],
        [owners[2]!, owners[0]!],
        [owners[1]!, owners[2]!],
      ]) {
        assert.deepEqual(await isValidSignature1271(anvil.provider, safe, HASH, sign(pair)), { outcome: 'valid' });
      }
      assert.equal((await isValidSignature1271(anvil.provider, safe, HASH, sign([owners[1]!]))).outcome, 'reverted'); // GS020
      assert.equal((await isValidSignature1271(anvil.provider, safe, HASH, sign([owners[1]!, stranger]))).outcome, 'reverted');
    });
  });

  describe('a counterfactual Safe (ERC-6492)', () => {
    it('validates through the deployless validator without deploying, then through ERC-1271 once deployed', async () => {
      const cf = counterfactualSafe([owners[1]!], 1, infra, 42n);
      assert.equal(await anvil.provider.getCode(cf.address), '0x');
      const signature = safeSignMessage(cf.address, anvil.chainId, MESSAGE, [owners[1]!]);
      const wrapped = wrap6492(cf.factory, cf.factoryCalldata, signature);

      assert.equal(await validateSigOffchain(anvil.provider, cf.address, HASH, wrapped), '0x01');
      assert.equal(
        await validateSigOffchain(anvil.provider, cf.address, hashMessage('another'), wrapped).catch(() => 'reverted'),
        'reverted',
      );
      assert.equal(await anvil.provider.getCode(cf.address), '0x', 'an eth_call deploys nothing');

      const deployed = await deploySafe([owners[1]!], 1, infra, 42n, deployer);
      assert.equal(deployed, cf.address, 'the CREATE2 address is the one computed');
      assert.deepEqual(await isValidSignature1271(anvil.provider, deployed, HASH, signature), { outcome: 'valid' });
      assert.equal(await validateSigOffchain(anvil.provider, deployed, HASH, wrapped), '0x01', 'still valid wrapped once deployed');
    });

    it('a stranger’s wrapped signature makes the validator revert with ERC1271Revert (Safe reverts GS026)', async () => {
      const cf = counterfactualSafe([owners[2]!], 1, infra, 43n);
      const wrapped = wrap6492(cf.factory, cf.factoryCalldata, safeSignMessage(cf.address, anvil.chainId, MESSAGE, [stranger]));
      await rejectsWith(validateSigOffchain(anvil.provider, cf.address, HASH, wrapped), 'ERC1271Revert(bytes)');
    });

    it('a factory call that deploys nothing makes it revert with ERC6492DeploySilentlyFailed', async () => {
      const cf = counterfactualSafe([owners[2]!], 1, infra, 44n);
      const wrapped = wrap6492(stranger.address, '0x', safeSignMessage(cf.address, anvil.chainId, MESSAGE, [owners[2]!]));
      await rejectsWith(validateSigOffchain(anvil.provider, cf.address, HASH, wrapped), 'ERC6492DeploySilentlyFailed()');
    });
  });

  describe('ERC-4337 0.8 and EIP-7702 accounts', () => {
    it('SimpleAccount 0.8 has no ERC-1271: isValidSignature reverts', async () => {
      const account = await deployEntryPointAndSimpleAccount(deployer, owners[0]!);
      const asOwner = new Interface(['function owner() view returns (address)']);
      const [owner] = asOwner.decodeFunctionResult(
        'owner',
        await anvil.provider.call({ to: account, data: asOwner.encodeFunctionData('owner') }),
      );
      assert.equal(owner, owners[0]!.address, 'the proxy was initialised with initialize(owner)');
      const answer = await isValidSignature1271(anvil.provider, account, HASH, await owners[0]!.signMessage(MESSAGE));
      assert.equal(answer.outcome, 'reverted');
      await rejectsWith(validateSigOffchain(anvil.provider, account, HASH, await owners[0]!.signMessage(MESSAGE)), 'ERC1271Revert(bytes)');
    });

    it('an EOA delegated to Simple7702Account has code 0xef0100‖implementation and accepts its own signature', async () => {
      const implementation = await deploySimple7702Account(deployer);
      const eoa = key('7702 sponsored');
      await delegate7702(eoa, implementation, anvil.provider, deployer); // sponsored: the EOA holds no ether
      const code = await anvil.provider.getCode(eoa.address);
      assert.equal(code, delegationCode(implementation));
      assert.ok(code.startsWith('0xef0100'));

      const signature = await sign7702Message(eoa, MESSAGE);
      assert.deepEqual(await isValidSignature1271(anvil.provider, eoa.address, HASH, signature), { outcome: 'valid' });
      assert.deepEqual(await isValidSignature1271(anvil.provider, eoa.address, HASH, await stranger.signMessage(MESSAGE)), {
        outcome: 'invalid',
        returned: `0x${'ff'.repeat(4)}${'00'.repeat(28)}`,
      });
      assert.equal(await validateSigOffchain(anvil.provider, eoa.address, HASH, signature), '0x01');
      assert.equal(await validateSigOffchain(anvil.provider, eoa.address, HASH, await stranger.signMessage(MESSAGE)), '0x00');
    });

    it('a funded EOA can delegate itself (authorization nonce = its nonce + 1) and undelegate', async () => {
      const implementation = await deploySimple7702Account(deployer);
      const eoa = key('7702 self').connect(anvil.provider);
      await (await deployer.sendTransaction({ to: eoa.address, value: 10n ** 18n })).wait();
      await delegate7702(eoa, implementation, anvil.provider);
      assert.equal(await anvil.provider.getCode(eoa.address), delegationCode(implementation));
      await delegate7702(eoa, ZeroAddress, anvil.provider);
      assert.equal(await anvil.provider.getCode(eoa.address), '0x');
    });
  });

  describe('the deployless universal validator on plain EOAs', () => {
    it('answers 0x01 for the address’s personal_sign signature and 0x00 for another key’s', async () => {
      const eoa = anvil.accounts[1]!;
      assert.equal(await validateSigOffchain(anvil.provider, eoa.address, HASH, await eoa.signMessage(MESSAGE)), '0x01');
      assert.equal(await validateSigOffchain(anvil.provider, eoa.address, HASH, await stranger.signMessage(MESSAGE)), '0x00');
      assert.equal(await validateSigOffchain(anvil.provider, eoa.address, hashMessage('another'), await eoa.signMessage(MESSAGE)), '0x00');
    });
  });

  describe('rpc-counter and anvil controls', () => {
    let counter: RpcCounter;
    let provider: JsonRpcProvider;

    before(async () => {
      counter = await startRpcCounter(anvil.url);
      const request = new FetchRequest(counter.url);
      request.timeout = 500;
      provider = new JsonRpcProvider(request, Network.from(anvil.chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    });

    after(async () => {
      provider?.destroy();
      await counter?.close();
    });

    beforeEach(async () => {
      await counter.setMode('forward');
      counter.reset();
    });

    it('counts forwarded requests by method, each element of a batch', async () => {
      assert.equal(counter.count(), 0);
      assert.equal(await provider.getBalance(ZeroAddress, 'latest').then((balance) => typeof balance), 'bigint');
      await provider.getBlockNumber();
      assert.deepEqual(counter.counts(), { eth_getBalance: 1, eth_blockNumber: 1 });
      const batch = ['eth_chainId', 'eth_chainId', 'eth_gasPrice'].map((method, i) => ({ jsonrpc: '2.0', id: i, method, params: [] }));
      const answers = (await (
        await fetch(counter.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) })
      ).json()) as unknown[];
      assert.equal(answers.length, 3);
      assert.equal(counter.count(), 5);
      assert.equal(counter.httpRequests(), 3);
      assert.deepEqual(counter.counts(), { eth_getBalance: 1, eth_blockNumber: 1, eth_chainId: 2, eth_gasPrice: 1 });
    });

    it('hang makes a call time out (and still counts it), error500 and refuse fail it, forward heals', async () => {
      await counter.setMode('hang');
      await assert.rejects(provider.getBlockNumber(), (error: unknown) => isError(error, 'TIMEOUT'));
      assert.equal(counter.count(), 1);
      await counter.setMode('error500');
      await assert.rejects(provider.getBlockNumber(), (error: unknown) => isError(error, 'SERVER_ERROR'));
      await counter.setMode('refuse');
      // ethers lets the socket error through as it is (a pooled keep-alive socket may see a reset first)
      await assert.rejects(provider.getBlockNumber(), /ECONNREFUSED|ECONNRESET|socket hang up/);
      const socket = connect(Number(new URL(counter.url).port), '127.0.0.1');
      const [refused] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
      assert.equal(refused.code, 'ECONNREFUSED');
      await counter.setMode('forward');
      assert.equal(typeof (await provider.getBlockNumber()), 'number');
      assert.equal(counter.counts().eth_blockNumber, 3);
    });

    it('anvil pause() leaves calls unanswered until resume(); restart() keeps the port but not the chain', async () => {
      anvil.pause();
      // A raw request: getBlockNumber() may answer from ethers' cache of a block number read just before.
      const pending = provider.send('eth_blockNumber', []);
      await assert.rejects(pending, (error: unknown) => isError(error, 'TIMEOUT'));
      anvil.resume();
      assert.equal(typeof (await provider.getBlockNumber()), 'number');

      const deployed = await deploy('Simple7702Account', deployer);
      assert.notEqual(await anvil.provider.getCode(deployed), '0x');
      await anvil.restart();
      assert.equal(await anvil.provider.getCode(deployed), '0x', 'the chain starts again from genesis');
      assert.equal(await anvil.provider.getBlockNumber(), 0);
      infra = await deploySafeInfrastructure(deployer); // fresh chain: nothing after this test may rely on earlier state
    });
  });
});
