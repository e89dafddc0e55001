/** EIP-55 checksums (src/siwe/address.ts): the EIP's own vectors, ethers as the oracle, and the cache of recent addresses. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { getAddress } from 'ethers';
import { isChecksumAddress, isHexAddress, toChecksumAddress } from '../../src/siwe/address.js';

// EIP-55's test cases: all caps, all lower, normal.
const EIP55 = [
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

describe('EIP-55 addresses', () => {
  it("checksums EIP-55's vectors from any case, and accepts only the exact form", () => {
    for (const vector of EIP55) {
      assert.equal(toChecksumAddress(vector.toLowerCase()), vector);
      assert.equal(toChecksumAddress(`0x${vector.slice(2).toUpperCase()}`), vector);
      assert.equal(isChecksumAddress(vector), true);
    }
    assert.equal(isChecksumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), false, 'lowercase with letters to raise');
    assert.equal(isChecksumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'), false, 'one letter wrong');
  });

  it('agrees with ethers on random addresses, past the cache of recent ones and back (3,000 addresses, each asked twice)', () => {
    const addresses = Array.from({ length: 3000 }, () => `0x${randomBytes(20).toString('hex')}`);
    for (const round of [1, 2]) {
      for (const address of addresses) {
        const expected = getAddress(address);
        assert.equal(toChecksumAddress(address), expected, `round ${round}`);
        assert.equal(toChecksumAddress(address.toUpperCase().replace('0X', '0x')), expected, `round ${round}, upper case`);
        assert.equal(isChecksumAddress(expected), true);
      }
    }
  });

  it('rejects wrong checksums and non-addresses', () => {
    assert.equal(isChecksumAddress('0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359'), false);
    assert.equal(isChecksumAddress('0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359'), false);
    assert.equal(isChecksumAddress('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d35'), false);
    assert.throws(() => toChecksumAddress('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d35'), TypeError);
    assert.throws(() => toChecksumAddress('fB6916095ca1df60bB79Ce92cE3Ea74c37c5d3591'), TypeError);
    assert.throws(() => toChecksumAddress('0xgB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'), TypeError);
  });

  it('refuses anything but 0x and 40 hexadecimal digits', () => {
    for (const bad of [
      '',
      '0x',
      '52908400098527886E0F7030069857D2E4169EE7',
      '0x52908400098527886E0F7030069857D2E4169EE',
      '0xZZ908400098527886E0F7030069857D2E4169EE7',
    ]) {
      assert.equal(isHexAddress(bad), false, bad);
      assert.equal(isChecksumAddress(bad), false, bad);
      assert.throws(() => toChecksumAddress(bad), /0x followed by 40 hexadecimal digits/);
    }
  });
});
