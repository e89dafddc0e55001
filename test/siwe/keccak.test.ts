/** The native Keccak-256 path agrees with @noble/hashes on every input length that matters. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { keccak256, keccakImplementation } from '../../src/siwe/keccak.js';

describe('keccak256', () => {
  it('uses the native addon where the package ships a prebuild (linux, darwin, win32 on x64)', function () {
    if (process.arch !== 'x64') this.skip();
    assert.equal(keccakImplementation, 'native');
  });

  it('matches the Keccak-256 of the empty string', () => {
    assert.equal(
      Buffer.from(keccak256(new Uint8Array())).toString('hex'),
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
  });

  it('agrees with @noble/hashes for lengths 0..600 around every block boundary, on Buffers and plain views', () => {
    for (let length = 0; length <= 600; length += 1) {
      const data = randomBytes(length + 3);
      const view = new Uint8Array(data.buffer, data.byteOffset + 3, length);
      assert.deepEqual(Buffer.from(keccak256(view)), Buffer.from(keccak_256(view)), `length ${length}`);
      assert.deepEqual(Buffer.from(keccak256(data)), Buffer.from(keccak_256(data)), `length ${length + 3}`);
    }
  });
});
