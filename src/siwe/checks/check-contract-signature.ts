/**
 * A contract wallet, when the key did not sign: the account decides (ERC-1271,
 * or ERC-6492 for a counterfactual account), through the RPC of the message's
 * chain. Without an RPC for that chain, a signature only a contract can have
 * made (not 65 bytes, or ERC-6492-wrapped) is contract_wallet_unsupported; a
 * 65-byte one stays invalid_signature, since it cannot be told apart from a
 * wrong key. An RPC that cannot answer is chain_unavailable (503): no login
 * on what cannot be checked.
 */
import { isErc6492Signature } from '../../chain/eip6492.js';
import { SiweError } from '../siwe-error.js';
import type { SiweContext } from './context.js';

const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})+$/;

export async function checkContractSignature(ctx: SiweContext): Promise<void> {
  if (ctx.signer !== undefined) return;
  const { message, signature } = ctx.attempt;
  const { address, chainId } = ctx.message;
  if (!HEX_BYTES.test(signature)) {
    throw new SiweError('invalid_signature', 'the signature must be 0x followed by hexadecimal bytes');
  }
  const wallets = ctx.expected.contractWallets;
  if (!wallets?.has(chainId)) {
    if (signature.length !== 132 || isErc6492Signature(signature)) {
      throw new SiweError(
        'contract_wallet_unsupported',
        `this signature comes from a smart account (a contract wallet), and sign-in with smart accounts is not enabled for chain ${chainId} here; sign with a regular account, or ask the operator to enable it`,
      );
    }
    const reason = ctx.eoaRefusal?.message ?? `the signature was not made by ${address}`;
    throw new SiweError(
      'invalid_signature',
      `${reason}; if ${address} is a smart account (a contract wallet), note that sign-in with smart accounts is not enabled for chain ${chainId} here`,
    );
  }
  const walletType = await wallets.verify(chainId, address, message, signature);
  if (walletType === 'unavailable') {
    throw new SiweError(
      'chain_unavailable',
      `the network of chain ${chainId} could not be reached to check this smart-account signature; try again in a moment`,
      503,
    );
  }
  if (!walletType) {
    throw new SiweError('invalid_signature', `neither the key of ${address} nor its account contract accepts this signature`);
  }
  ctx.signer = address;
  ctx.walletType = walletType;
}
