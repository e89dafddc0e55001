/** The secp256k1 adapter: the native prebuild loads, and it agrees with the package's JavaScript fallback. */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Wallet, hashMessage, Signature } from 'ethers';
import { ecdsaRecover, secp256k1Implementation } from '../../src/siwe/secp256k1.js';

const require = createRequire(import.meta.url);

describe('secp256k1 adapter', () => {
  it('uses the native addon where the package ships a prebuild (linux, darwin, win32 on x64)', function () {
    if (process.arch !== 'x64') this.skip();
    assert.equal(secp256k1Implementation, 'native');
  });

  it("recovers the public key of ethers-made signatures, the same as the package's fallback", () => {
    const elliptic = require('secp256k1/elliptic') as {
      ecdsaRecover(signature: Uint8Array, recoveryId: number, digest: Uint8Array, compressed: boolean): Uint8Array;
    };
    for (let i = 0; i < 20; i++) {
      const wallet = Wallet.createRandom();
      const text = `message ${i}`;
      const signature = Signature.from(wallet.signingKey.sign(hashMessage(text)));
      const compact = Buffer.from(signature.r.slice(2) + signature.s.slice(2), 'hex');
      const digest = Buffer.from(hashMessage(text).slice(2), 'hex');
      const recovered = Buffer.from(ecdsaRecover(compact, signature.yParity, digest)).toString('hex');
      assert.equal(`0x${recovered}`, wallet.signingKey.publicKey);
      assert.equal(Buffer.from(elliptic.ecdsaRecover(compact, signature.yParity, digest, false)).toString('hex'), recovered);
    }
  });
});
