/**
 * Signatures an account contract decides on, in one eth_call:
 *
 *   ends in the ERC-6492 suffix → a deployless eth_call of the ERC-6492
 *     universal validator (see universal-validator.ts): it simulates the
 *     factory call for a counterfactual account, then asks ERC-1271; it also
 *     covers deployed accounts and EIP-7702 delegated EOAs. Nothing is
 *     deployed: an eth_call's effects are thrown away.
 *   otherwise → ERC-1271: isValidSignature(hashMessage(message), signature)
 *     on the address must return 0x1626ba7e.
 *
 * A revert, or an address without code, is a refusal (false), never an outage.
 */
import { AbiCoder, concat, hashMessage, Interface } from 'ethers';
import { CallRejectedError, type ChainRpc } from './chain-rpc.js';
import { isErc6492Signature } from './eip6492.js';
import { VALIDATE_SIG_OFFCHAIN_BYTECODE } from './universal-validator.js';

export type ContractWalletType = 'eip1271' | 'eip6492';

const ERC1271 = new Interface(['function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)']);
const ERC1271_MAGIC = '0x1626ba7e';
const VALID = '0x01';

async function answer(rpc: ChainRpc, request: { to?: string; data: string }): Promise<string | undefined> {
  try {
    return (await rpc.call(request)).toLowerCase();
  } catch (error) {
    if (error instanceof CallRejectedError) return undefined;
    throw error;
  }
}

/** How the account at `address` accepted `signature` over `message`, or false when it did not. */
export async function verifyContractSignature(
  rpc: ChainRpc,
  address: string,
  message: string,
  signature: string,
): Promise<ContractWalletType | false> {
  const hash = hashMessage(message);
  if (isErc6492Signature(signature)) {
    const args = AbiCoder.defaultAbiCoder().encode(['address', 'bytes32', 'bytes'], [address, hash, signature]);
    return (await answer(rpc, { data: concat([VALIDATE_SIG_OFFCHAIN_BYTECODE, args]) })) === VALID ? 'eip6492' : false;
  }
  const result = await answer(rpc, { to: address, data: ERC1271.encodeFunctionData('isValidSignature', [hash, signature]) });
  return result !== undefined && result.length === 66 && result.startsWith(ERC1271_MAGIC) ? 'eip1271' : false;
}
