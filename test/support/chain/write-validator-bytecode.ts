/**
 * Regenerates src/chain/universal-validator.ts from contracts/UniversalSigValidator.sol:
 *   npx tsx test/support/chain/write-validator-bytecode.ts
 * (test/chain/universal-validator.test.ts fails until this is run after any edit of the .sol file).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILER_SETTINGS, REPO_ROOT, solcVersion } from './compile.js';
import { VALIDATOR_SOURCE, validateSigOffchainBytecode } from './validator.js';

export const VALIDATOR_MODULE = 'src/chain/universal-validator.ts';

/** The text of src/chain/universal-validator.ts for this bytecode. */
export function validatorModule(bytecode: string): string {
  return `/**
 * Creation bytecode of ValidateSigOffchain, the ERC-6492 universal signature validator for a
 * deployless eth_call (no \`to\`; data = this ‖ abi.encode(address signer, bytes32 hash, bytes signature);
 * answers 0x01 valid, 0x00 invalid, or reverts).
 *
 * Provenance: compiled from ${VALIDATOR_SOURCE} (standard JSON source key the same) with
 * solc ${solcVersion()} (npm solc), settings
 * ${JSON.stringify(COMPILER_SETTINGS)}, all else default (no viaIR; the metadata
 * hash of the exact source file is appended). test/chain/universal-validator.test.ts recompiles
 * and compares; regenerate with \`npx tsx test/support/chain/write-validator-bytecode.ts\`.
 */
export const VALIDATE_SIG_OFFCHAIN_BYTECODE =
  '${bytecode}';
`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(join(REPO_ROOT, VALIDATOR_MODULE), validatorModule(validateSigOffchainBytecode()));
  console.log(`wrote ${VALIDATOR_MODULE}`);
}
