/**
 * Keeps src/chain/universal-validator.ts honest: its VALIDATE_SIG_OFFCHAIN_BYTECODE is exactly
 * what contracts/UniversalSigValidator.sol compiles to with the settings of test/support/chain/compile.ts.
 */
import assert from 'node:assert/strict';
import { VALIDATE_SIG_OFFCHAIN_BYTECODE } from '../../src/chain/universal-validator.js';
import { COMPILER_SETTINGS, solcVersion } from '../support/chain/compile.js';
import { validateSigOffchainBytecode } from '../support/chain/validator.js';

describe('the embedded ERC-6492 universal validator', () => {
  it('is compiled with solc 0.8.30, optimizer on (200 runs), evm cancun', () => {
    assert.match(solcVersion(), /^0\.8\.30\+/);
    assert.deepEqual(COMPILER_SETTINGS, { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun' });
  });

  it('equals the ValidateSigOffchain creation bytecode compiled from contracts/UniversalSigValidator.sol', () => {
    const compiled = validateSigOffchainBytecode();
    assert.ok(
      VALIDATE_SIG_OFFCHAIN_BYTECODE === compiled,
      'src/chain/universal-validator.ts is stale: run `npx tsx test/support/chain/write-validator-bytecode.ts`',
    );
  });
});
