/**
 * The ERC-6492 universal validator of contracts/UniversalSigValidator.sol, compiled here, and
 * its deployless use: eth_call with no `to` and data = ValidateSigOffchain creation code ‖
 * abi.encode(signer, hash, signature), which answers 0x01 (valid) or 0x00 (invalid) or reverts.
 */
import { AbiCoder, concat, type Provider } from 'ethers';
import { compileContract } from './compile.js';

export const VALIDATOR_SOURCE = 'contracts/UniversalSigValidator.sol';

/** ValidateSigOffchain's creation bytecode, freshly compiled (cached per process). */
export function validateSigOffchainBytecode(): string {
  return compileContract(VALIDATOR_SOURCE, 'ValidateSigOffchain').bytecode;
}

/** The deployless call's data. */
export function validateSigOffchainCalldata(
  signer: string,
  hash: string,
  signature: string,
  bytecode = validateSigOffchainBytecode(),
): string {
  return concat([bytecode, AbiCoder.defaultAbiCoder().encode(['address', 'bytes32', 'bytes'], [signer, hash, signature])]);
}

/** The raw answer of the deployless eth_call ('0x01' or '0x00'); a revert inside throws ethers' CALL_EXCEPTION. */
export async function validateSigOffchain(
  provider: Provider,
  signer: string,
  hash: string,
  signature: string,
  bytecode?: string,
): Promise<string> {
  return provider.call({ data: validateSigOffchainCalldata(signer, hash, signature, bytecode) });
}
