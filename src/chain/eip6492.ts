/**
 * ERC-6492 signatures: a counterfactual (not yet deployed) account's
 * signature, wrapped as abi.encode(factory, factoryCalldata, signature)
 * followed by the 32-byte magic suffix 0x6492…6492.
 */
export const ERC6492_SUFFIX = '6492649264926492649264926492649264926492649264926492649264926492';

/** True for a 0x-hex signature that ends in the ERC-6492 magic suffix. */
export function isErc6492Signature(signature: string): boolean {
  return signature.length >= 2 + 64 && signature.slice(-64).toLowerCase() === ERC6492_SUFFIX;
}
