/** RPC_URLS and RPC_TIMEOUT: parsed against CHAIN_IDS, and a URL never shown beyond its scheme and host. */
import assert from 'node:assert/strict';
import { readConfig } from '../../src/config/env.js';
import { rpcLabel } from '../../src/config/rpc.js';
import { problemsOf } from '../support/config.js';

describe('RPC_URLS and RPC_TIMEOUT', () => {
  it('default to no RPC (EOAs only) and 3000 ms', () => {
    const config = readConfig({});
    assert.equal(config.rpcUrls.size, 0);
    assert.equal(config.rpcTimeout, 3000);
  });

  it('read <chainId>=<url> pairs for chains of CHAIN_IDS', () => {
    const config = readConfig({
      CHAIN_IDS: '1,8453',
      RPC_URLS: ' 1=https://eth.example/v2/KEY , 8453=http://127.0.0.1:8545 ',
      RPC_TIMEOUT: '1500',
    });
    assert.deepEqual(
      [...config.rpcUrls],
      [
        [1, 'https://eth.example/v2/KEY'],
        [8453, 'http://127.0.0.1:8545'],
      ],
    );
    assert.equal(config.rpcTimeout, 1500);
  });

  it('refuses a chain outside CHAIN_IDS, a bad entry, a non-http URL, a chain twice and a bad timeout, without quoting a URL', () => {
    const secret = 'SECRET-KEY-123';
    const problems = problemsOf({
      CHAIN_IDS: '1',
      RPC_URLS: `10=https://op.example/${secret},x=https://a.example,1=ws://eth.example/${secret},1=https://eth.example/${secret},1=https://other.example/${secret}`,
      RPC_TIMEOUT: '10',
    }).join('\n');
    assert.match(problems, /RPC_URLS names chain 10, which is not in CHAIN_IDS/);
    assert.match(problems, /entries must look like <chainId>=<url>/);
    assert.match(problems, /the URL for chain 1 must be http\(s\)/);
    assert.match(problems, /RPC_URLS names chain 1 twice/);
    assert.match(problems, /RPC_TIMEOUT must be a whole number from 100 to 60000/);
    assert.doesNotMatch(problems, new RegExp(secret));
  });

  it('labels a URL by scheme, host and port only', () => {
    assert.equal(rpcLabel('https://user:pass@eth.example:8443/v2/KEY?apikey=x'), 'https://eth.example:8443');
    assert.equal(rpcLabel('not a url'), '(an invalid URL)');
  });
});
