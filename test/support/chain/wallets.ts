/**
 * Contract wallets for chain tests, all deployed from published artifacts: Safe 1.4.1
 * (safe.ts), ERC-4337 0.8 SimpleAccount and EIP-7702 Simple7702Account
 * (account-abstraction.ts); plus the ERC-6492 wrapper and a plain ERC-1271 probe.
 */
import { AbiCoder, concat, Interface, isCallException, type Provider } from 'ethers';

export * from './account-abstraction.js';
export * from './safe.js';

/** The 32-byte ERC-6492 magic suffix. */
export const ERC6492_MAGIC_SUFFIX = `0x${'6492'.repeat(16)}`;
/** What isValidSignature(bytes32, bytes) returns for a valid signature. */
export const ERC1271_MAGIC_VALUE = '0x1626ba7e';

/** An ERC-6492 wrapped signature: abi.encode(address factory, bytes factoryCalldata, bytes signature) ‖ magic suffix. */
export function wrap6492(factory: string, factoryCalldata: string, signature: string): string {
  return concat([
    AbiCoder.defaultAbiCoder().encode(['address', 'bytes', 'bytes'], [factory, factoryCalldata, signature]),
    ERC6492_MAGIC_SUFFIX,
  ]);
}

const erc1271 = new Interface(['function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)']);

export type Erc1271Answer =
  | { outcome: 'valid' }
  | { outcome: 'invalid'; returned: string }
  | { outcome: 'reverted'; data: string | null; reason: string | null };

/** eth_call isValidSignature(hash, signature) on `address`: valid (0x1626ba7e), invalid (any other answer) or reverted. */
export async function isValidSignature1271(provider: Provider, address: string, hash: string, signature: string): Promise<Erc1271Answer> {
  try {
    const returned = await provider.call({ to: address, data: erc1271.encodeFunctionData('isValidSignature', [hash, signature]) });
    return returned.slice(0, 10).toLowerCase() === ERC1271_MAGIC_VALUE && returned.length === 66
      ? { outcome: 'valid' }
      : { outcome: 'invalid', returned };
  } catch (error) {
    if (!isCallException(error)) throw error;
    return { outcome: 'reverted', data: error.data, reason: error.reason };
  }
}
