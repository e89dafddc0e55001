/**
 * The ENS settings (config/ens.ts): defaults, the chain-1 RPC as the default endpoint, ENS off
 * without an RPC or with ENS=off, and every bad value stopping the start with a message that
 * names the setting (never an RPC URL's secret).
 */
import assert from 'node:assert/strict';
import { DEFAULT_ENS_CACHE_TTL_S, DEFAULT_ENS_TIMEOUT_MS, MAINNET_ENS_REGISTRY } from '../../src/config/ens.js';
import { readConfig } from '../../src/config/env.js';
import { problemsOf } from '../support/config.js';

const SECRET = 'KEY-0c9e1f';

describe('ENS settings', () => {
  it('defaults: the chain-1 entry of RPC_URLS, the mainnet registry, 2000 ms, one hour', () => {
    const { ens } = readConfig({ CHAIN_IDS: '1,8453', RPC_URLS: `1=https://eth.example/v2/${SECRET},8453=https://base.example` });
    assert.deepEqual(ens, {
      rpcUrl: `https://eth.example/v2/${SECRET}`,
      rpcSource: 'RPC_URLS',
      registry: MAINNET_ENS_REGISTRY,
      timeoutMs: DEFAULT_ENS_TIMEOUT_MS,
      cacheTtl: DEFAULT_ENS_CACHE_TTL_S,
    });
    assert.equal(DEFAULT_ENS_TIMEOUT_MS, 2000);
    assert.equal(DEFAULT_ENS_CACHE_TTL_S, 3600);
    assert.equal(MAINNET_ENS_REGISTRY, '0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e');
  });

  it('ENS_RPC_URL, ENS_REGISTRY (any case, kept EIP-55), ENS_TIMEOUT and ENS_CACHE_TTL as given', () => {
    const { ens } = readConfig({
      ENS_RPC_URL: 'http://127.0.0.1:8545',
      ENS_REGISTRY: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
      ENS_TIMEOUT: '500',
      ENS_CACHE_TTL: '1d',
    });
    assert.deepEqual(ens, {
      rpcUrl: 'http://127.0.0.1:8545',
      rpcSource: 'ENS_RPC_URL',
      registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      timeoutMs: 500,
      cacheTtl: 86400,
    });
  });

  it('off with ENS=off, and without any RPC for it', () => {
    assert.deepEqual(readConfig({ ENS: 'off', ENS_RPC_URL: 'https://eth.example' }).ens, { off: 'setting' });
    assert.deepEqual(readConfig({ ENS: 'OFF', ENS_TIMEOUT: 'ignored when off' }).ens, { off: 'setting' });
    assert.deepEqual(readConfig({}).ens, { off: 'no-rpc' });
    assert.deepEqual(readConfig({ CHAIN_IDS: '8453', RPC_URLS: '8453=https://base.example' }).ens, { off: 'no-rpc' });
  });

  it('a bad value stops the start, naming the setting, never the URL', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ENS: 'maybe' }, /^ENS must be one of on, off, got "maybe"$/],
      [{ ENS_RPC_URL: `not a url ${SECRET}` }, /^ENS_RPC_URL is not a valid URL$/],
      [{ ENS_RPC_URL: `wss://eth.example/${SECRET}` }, /^ENS_RPC_URL must be http\(s\), got wss:$/],
      [{ ENS_RPC_URL: 'https://eth.example', ENS_REGISTRY: '0x1234' }, /^ENS_REGISTRY must be the registry's address/],
      [{ ENS_RPC_URL: 'https://eth.example', ENS_REGISTRY: `0x${'0'.repeat(40)}` }, /^ENS_REGISTRY must be/],
      [
        { ENS_RPC_URL: 'https://eth.example', ENS_TIMEOUT: '99' },
        /^ENS_TIMEOUT must be a whole number of milliseconds from 100 to 60000, got "99"$/,
      ],
      [{ ENS_RPC_URL: 'https://eth.example', ENS_TIMEOUT: '2s' }, /^ENS_TIMEOUT must be/],
      [{ ENS_RPC_URL: 'https://eth.example', ENS_TIMEOUT: '60001' }, /^ENS_TIMEOUT must be/],
      [
        { ENS_RPC_URL: 'https://eth.example', ENS_CACHE_TTL: '0' },
        /^ENS_CACHE_TTL must be seconds \(or 30m, 1h, 1d\) from 1 second to 30 days, got "0"$/,
      ],
      [{ ENS_RPC_URL: 'https://eth.example', ENS_CACHE_TTL: '31d' }, /^ENS_CACHE_TTL must be/],
      [{ ENS_RPC_URL: 'https://eth.example', ENS_CACHE_TTL: 'an hour' }, /^ENS_CACHE_TTL must be/],
    ];
    for (const [env, expected] of cases) {
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, `${JSON.stringify(env)}: ${problems.join('\n')}`);
      assert.match(problems[0]!, expected);
      assert.ok(!problems[0]!.includes(SECRET), problems[0]);
    }
  });

  it('ENS settings are checked even without an RPC, so a typo does not wait for one', () => {
    assert.deepEqual(problemsOf({ ENS_TIMEOUT: 'soon' }).length, 1);
  });
});
